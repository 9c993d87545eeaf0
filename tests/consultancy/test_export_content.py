import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from glossary.models import Term
from services.models import Service, Technology
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def export(*args):
    stdout = StringIO()
    call_command("export_content", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def content():
    python = make_technology(slug="python", name="Python")
    audits = make_service(slug="audits", title="Audits")
    audits.technologies.add(python)
    attention = make_term(
        slug="attention", name="Attention", tags=["nlp", "deep learning"], linkable=False
    )
    # Aliases are lines of one cell: the CSV must quote them and read them back.
    transformer = make_term(
        slug="transformer",
        name="Transformer",
        aliases="Transformer Network\nTransformer Model",
        match_case=True,
        body="Uses **Attention**.",
        seo_title="T",
    )
    transformer.related_terms.add(attention)
    transformer.services.add(audits)
    transformer.technologies.add(python)
    return transformer


def test_csv_export_lists_relations_and_tags_as_slugs_in_one_cell(content):
    rows = list(csv.DictReader(StringIO(export("--format", "csv", "--type", "term"))))
    assert [row["slug"] for row in rows] == ["attention", "transformer"]
    transformer = rows[1]
    assert transformer["type"] == "term"
    assert transformer["related_terms"] == "attention"
    assert transformer["services"] == "audits"
    assert transformer["seo_title"] == "T"
    assert rows[0]["tags"] == "deep-learning nlp"
    assert "body_html" not in transformer
    assert "updated_at" not in transformer


def test_json_export_of_every_kind_uses_field_names_and_lists(content):
    rows = json.loads(export("--format", "json"))
    assert {row["type"] for row in rows} == {"term", "service", "technology"}
    service = next(row for row in rows if row["type"] == "service")
    assert service["title"] == "Audits"
    assert service["technologies"] == ["python"]
    term = next(row for row in rows if row["slug"] == "transformer")
    assert term["auto_link"] is True
    assert term["related_terms"] == ["attention"]


def test_export_writes_a_file_with_output(content, tmp_path):
    path = tmp_path / "out.json"
    assert export("--format", "json", "--output", str(path)) == ""
    assert len(json.loads(path.read_text())) == 4


def snapshot():
    return {
        model: list(model.objects.order_by("pk").values_list("slug", "updated_at", "body_html"))
        for model in (Term, Service, Technology)
    }


@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_then_import_is_a_no_op(content, tmp_path, format):
    path = tmp_path / f"all.{format}"
    call_command("export_content", "--format", format, "--output", str(path))
    before = snapshot()
    stdout = StringIO()
    call_command("import_content", str(path), stdout=stdout, stderr=StringIO())
    lines = stdout.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("row ")] == [
        "unchanged"
    ] * 4
    assert "4 rows: 0 created, 0 updated, 4 unchanged, 0 error." in lines
    assert snapshot() == before
