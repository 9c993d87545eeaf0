import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consultancy.models import Status
from glossary.models import Term
from services.models import Service
from tests.factories import make_service, make_term

pytestmark = pytest.mark.django_db

HEADER = "type,slug,name,short_definition,status,related_terms,services,tags\n"


def run_import(tmp_path, text, *args, suffix="csv"):
    """(exit status, what the command printed) of import_content on `text`."""
    path = tmp_path / f"content.{suffix}"
    path.write_text(text, encoding="utf-8")
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_content", str(path), *args, stdout=stdout, stderr=stderr)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, stdout.getvalue() + stderr.getvalue()


def test_a_csv_row_creates_a_term_with_its_relations_and_tags(tmp_path):
    make_term(slug="attention", name="Attention")
    make_service(slug="audits")
    status, output = run_import(
        tmp_path,
        HEADER + "term,transformer,Transformer,A network.,published,attention,audits,nlp ml\n",
    )
    assert status == 0
    assert "row 1 term transformer: created" in output
    term = Term.objects.get(slug="transformer")
    assert term.status == Status.PUBLISHED
    assert term.published_at is not None
    assert [t.slug for t in term.related_terms.all()] == ["attention"]
    assert [s.slug for s in term.services.all()] == ["audits"]
    assert sorted(t.slug for t in term.tags.all()) == ["ml", "nlp"]


def test_updated_rows_name_their_fields_and_unchanged_rows_say_so(tmp_path):
    make_term(slug="a", name="A", short_definition="Old.")
    make_term(slug="b", name="B", short_definition="Same.")
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition\nterm,a,A,New.\nterm,b,B,Same.\n",
    )
    assert status == 0
    assert "row 1 term a: updated (short_definition)" in output
    assert "row 2 term b: unchanged" in output
    assert Term.objects.get(slug="a").short_definition == "New."


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("term,new,New,Def.,published,missing-term,,", "related_terms: unknown slug missing-term"),
        (f"term,new,New,{'x' * 301},published,,,", "at most 300 characters"),
        ("term,new,Taken,Def.,published,,,", "already exists"),
        ("term,new,New,Def.,live,,,", "status: Value 'live' is not a valid choice."),
    ],
    ids=["unknown related slug", "definition too long", "duplicate name", "bad status"],
)
def test_a_dry_run_reports_each_error_and_changes_nothing(tmp_path, row, reason):
    make_term(slug="taken", name="Taken")
    before = list(Term.objects.values_list("slug", "updated_at"))
    status, output = run_import(tmp_path, HEADER + row + "\n", "--dry-run")
    assert status == 1
    assert "row 1 term new: error:" in output
    assert reason in output
    assert list(Term.objects.values_list("slug", "updated_at")) == before


def test_a_dry_run_of_good_rows_writes_nothing(tmp_path):
    status, output = run_import(tmp_path, HEADER + "term,new,New,Def.,draft,,,\n", "--dry-run")
    assert status == 0
    assert "row 1 term new: created" in output
    assert "Dry run: nothing was written." in output
    assert not Term.objects.exists()


def test_one_failing_row_rolls_back_the_whole_import(tmp_path):
    make_term(slug="kept", name="Kept", short_definition="Before.")
    status, output = run_import(
        tmp_path,
        HEADER + "term,kept,Kept,After.,published,,,\nterm,bad,Bad,Def.,live,,,\n",
    )
    assert status == 1
    assert "Nothing was written" in output
    assert Term.objects.get(slug="kept").short_definition == "Before."
    assert not Term.objects.filter(slug="bad").exists()


def test_duplicate_names_within_the_file_are_errors(tmp_path):
    status, output = run_import(
        tmp_path, HEADER + "term,one,Same,Def.,draft,,,\nterm,two,same,Def.,draft,,,\n"
    )
    assert status == 1
    assert 'row 2 term two: error: Duplicate name "same": also in row 1.' in output
    assert not Term.objects.exists()


def test_rows_may_name_items_created_by_the_same_file(tmp_path):
    rows = [
        {"type": "technology", "slug": "py", "name": "Python", "summary": "A language."},
        {
            "type": "service",
            "slug": "dev",
            "title": "Dev",
            "summary": "We build.",
            "technologies": ["py"],
        },
        {"type": "term", "slug": "t", "name": "T", "short_definition": "D.", "services": ["dev"]},
    ]
    status, output = run_import(tmp_path, json.dumps(rows), suffix="json")
    assert status == 0, output
    assert [s.slug for s in Term.objects.get(slug="t").services.all()] == ["dev"]
    assert [t.slug for t in Service.objects.get(slug="dev").technologies.all()] == ["py"]


def test_an_unknown_type_is_an_error(tmp_path):
    status, output = run_import(tmp_path, "type,slug\nrecipe,soup\n")
    assert status == 1
    assert 'row 1 recipe soup: error: Unknown type "recipe"' in output


def test_imported_terms_link_each_other_once_all_are_saved(tmp_path):
    rows = [
        {
            "type": "term",
            "slug": "a",
            "name": "Alpha",
            "short_definition": "D.",
            "body": "Alpha uses Beta.",
            "status": "published",
        },
        {
            "type": "term",
            "slug": "b",
            "name": "Beta",
            "short_definition": "D.",
            "body": "Beta alone.",
            "status": "published",
        },
    ]
    status, output = run_import(tmp_path, json.dumps(rows), suffix="json")
    assert status == 0, output
    beta = Term.objects.get(slug="b")
    assert f'data-term="{beta.pk}"' in Term.objects.get(slug="a").body_html


def test_an_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="header row"):
        run_import(tmp_path, "slug,name\nx,y\n")


def test_an_alias_another_term_has_is_a_row_error_naming_that_term(tmp_path):
    make_term(slug="cta", name="Call To Action", aliases="CTA")
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition,aliases\nterm,button,Button,A control.,cta\n",
    )
    assert status == 1
    assert (
        "row 1 term button: error: aliases: “cta” is already an alias of the term "
        "“Call To Action”." in output
    )
    assert not Term.objects.filter(slug="button").exists()


def test_two_rows_claiming_one_alias_are_an_error(tmp_path):
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition,aliases\n"
        "term,cta,Call To Action,A prompt.,CTA\n"
        'term,button,Button,A control.,"Push Button\ncta"\n'
        "term,push,Push Button,A push.,\n",
    )
    assert status == 1
    assert "row 2 term button: error: “cta” is also a name or alias in row 1." in output
    assert "row 3 term push: error: “Push Button” is also a name or alias in row 2." in output
    assert not Term.objects.exists()
