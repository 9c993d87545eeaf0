"""Related items in the order editors give them: model, admin, page, revisions, files."""

import json
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from consultancy.cache import CONTENT_VERSION_KEY
from consultancy.relations import OrderedModelMultipleChoiceField, in_order, set_in_order
from consultancy.revisions.compare import compare
from glossary.models import Term
from services.models import Service, Technology
from tests.consultancy.test_revisions import save_in_admin
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_terms():
    return [make_term(name=name) for name in ("Alpha", "Beta", "Gamma")]


def names(items):
    return [str(item) for item in items]


def test_set_in_order_keeps_the_given_order_and_each_item_once(three_terms):
    alpha, beta, gamma = three_terms
    term = make_term(name="Subject")
    set_in_order(term, "related_terms", [gamma, alpha, gamma.pk, beta])
    assert names(in_order(term, "related_terms")) == ["Gamma", "Alpha", "Beta"]
    set_in_order(term, "related_terms", [beta, gamma])
    assert names(in_order(term, "related_terms")) == ["Beta", "Gamma"]
    assert names(term.related_terms.all()) == ["Beta", "Gamma"]


def test_a_new_order_alone_makes_cached_pages_stale(three_terms):
    term = make_term(name="Subject")
    set_in_order(term, "related_terms", three_terms)
    before = cache.get(CONTENT_VERSION_KEY)
    set_in_order(term, "related_terms", list(reversed(three_terms)))
    assert cache.get(CONTENT_VERSION_KEY) != before


def test_the_same_order_again_writes_nothing(three_terms, django_assert_num_queries):
    term = make_term(name="Subject")
    set_in_order(term, "related_terms", three_terms)
    with django_assert_num_queries(1):
        set_in_order(term, "related_terms", three_terms)


def test_the_form_field_returns_items_in_the_order_sent_and_sees_a_new_order(three_terms):
    alpha, beta, gamma = three_terms
    field = OrderedModelMultipleChoiceField(queryset=Term.objects.all())
    assert field.clean([str(gamma.pk), str(alpha.pk)]) == [gamma, alpha]
    assert field.has_changed([alpha.pk, beta.pk], [str(beta.pk), str(alpha.pk)])
    assert not field.has_changed([alpha, beta], [str(alpha.pk), str(beta.pk)])


def option_order(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_admin_saves_the_editors_order_and_the_page_lists_it(editor_client, three_terms):
    alpha, beta, gamma = three_terms
    first, second = make_service(title="Zeta Audits"), make_service(title="Ai Strategy")
    term = make_term(name="Subject", slug="subject")
    save_in_admin(
        editor_client,
        term,
        related_terms=[gamma.pk, alpha.pk, beta.pk],
        services=[first.pk, second.pk],
    )
    assert names(in_order(term, "related_terms")) == ["Gamma", "Alpha", "Beta"]

    form = editor_client.get(reverse("admin:glossary_term_change", args=[term.pk]))
    html = form.content.decode()
    assert option_order(html, "related_terms") == ["Gamma", "Alpha", "Beta"]
    assert option_order(html, "services") == ["Zeta Audits", "Ai Strategy"]
    assert 'data-ordered="true"' in html
    assert "press Alt with an arrow key" in html
    assert "admin-editing/ordered-relations.js" in html

    page = editor_client.get(term.get_absolute_url()).content.decode()
    related = page[page.index("Related Terms") :]
    assert related.index("Gamma") < related.index("Alpha") < related.index("Beta")
    assert page.index("Zeta Audits") < page.index("Ai Strategy")


def test_a_service_keeps_its_technologies_in_order(editor_client):
    service = make_service(title="Audits", slug="audits")
    late, early = make_technology(name="Apache Spark"), make_technology(name="Ray")
    response = editor_client.post(
        reverse("admin:services_service_change", args=[service.pk]),
        {
            "title": service.title,
            "slug": service.slug,
            "summary": service.summary,
            "order": service.order,
            "body": "",
            "technologies": [early.pk, late.pk],
            "tags": "",
            "status": service.status,
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert names(in_order(Service.objects.get(pk=service.pk), "technologies")) == [
        "Ray",
        "Apache Spark",
    ]


def test_a_revision_keeps_the_order_shows_a_new_one_and_restores_it(editor_client, three_terms):
    alpha, beta, gamma = three_terms
    term = make_term(name="Subject")
    save_in_admin(editor_client, term, related_terms=[alpha.pk, beta.pk, gamma.pk])
    save_in_admin(editor_client, term, related_terms=[gamma.pk, beta.pk, alpha.pk])
    newer, older = Version.objects.get_for_object(term)[:2]
    row = next(row for row in compare(Term, older, newer) if row.label == "related terms")
    assert (row.old, row.new) == ("Alpha, Beta, Gamma", "Gamma, Beta, Alpha")

    restore = reverse("admin:glossary_term_restore", args=[term.pk, older.pk])
    assert editor_client.post(restore).status_code == 302
    assert names(in_order(term, "related_terms")) == ["Alpha", "Beta", "Gamma"]


def test_export_writes_the_order_and_an_import_of_a_new_order_applies_it(tmp_path, three_terms):
    alpha, beta, gamma = three_terms
    term = make_term(name="Subject", slug="subject")
    set_in_order(term, "related_terms", [beta, gamma, alpha])
    stdout = StringIO()
    call_command("export_content", "--format", "json", "--type", "term", stdout=stdout)
    row = next(row for row in json.loads(stdout.getvalue()) if row["slug"] == "subject")
    assert row["related_terms"] == [beta.slug, gamma.slug, alpha.slug]

    row["related_terms"] = [alpha.slug, beta.slug, gamma.slug]
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    output = StringIO()
    call_command("import_content", str(path), stdout=output, stderr=StringIO())
    assert "updated (related_terms)" in output.getvalue()
    assert names(in_order(term, "related_terms")) == ["Alpha", "Beta", "Gamma"]


def test_deleting_an_item_removes_it_from_every_list():
    technology = make_technology(name="Ray")
    term, service = make_term(), make_service()
    term.technologies.add(technology)
    service.technologies.add(technology)
    Technology.objects.filter(pk=technology.pk).delete()
    assert in_order(term, "technologies") == []
    assert in_order(service, "technologies") == []


@pytest.mark.django_db(transaction=True)
def test_a_new_order_outside_the_admin_keeps_a_revision(three_terms):
    term = make_term(name="Subject")
    set_in_order(term, "related_terms", three_terms)
    before = Version.objects.get_for_object(term).count()
    set_in_order(term, "related_terms", list(reversed(three_terms)))
    versions = Version.objects.get_for_object(term)
    assert versions.count() == before + 1
    assert versions.first().field_dict["related_terms"] == [t.pk for t in reversed(three_terms)]
