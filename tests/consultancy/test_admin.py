"""The content admin: editors can work in it, sales cannot change content."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultancy.models import Status
from glossary.models import Term
from services.models import Service, Technology
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [Term, Service, Technology]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_related_content(count):
    """`count` terms, each related to two terms, a service and a technology, tagged."""
    service, technology = make_service(), make_technology()
    terms = [make_term(tags=["llm", "nlp"]) for _ in range(count)]
    for term, neighbour in zip(terms, terms[1:] + terms[:1], strict=True):
        term.related_terms.add(neighbour)
        term.services.add(service)
        term.technologies.add(technology)
        service.technologies.add(technology)
    return terms


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_editor_can_open_each_changelist_and_add_form(editor_client, model):
    make_related_content(3)
    changelist = editor_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert editor_client.get(admin_url(model, "add")).status_code == 200


def test_term_change_form_follows_the_page(editor_client):
    term = make_term(name="Foundation Model")
    response = editor_client.get(admin_url(Term, "change", term.pk))
    content = response.content.decode()
    headings = ["Definition", "In Depth", "Relations", "Call to action", "SEO", "Publishing"]
    positions = [content.index(f">{heading}<") for heading in headings]
    assert positions == sorted(positions)
    assert "View on site" in content


def test_term_changelist_shows_relation_counts(editor_client):
    term = make_related_content(3)[0]
    response = editor_client.get(admin_url(Term, "changelist"))
    row = next(r for r in response.context["cl"].result_list if r.pk == term.pk)
    # Related terms are one way: each term lists the neighbour it chose.
    assert (row.related_term_count, row.service_count, row.technology_count) == (1, 1, 1)


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_changelist_queries_do_not_grow_with_rows(editor_client, model, django_assert_num_queries):
    """Guards against N+1: 30 rows cost what 3 rows cost, and at most 12 queries."""
    make_related_content(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        editor_client.get(admin_url(model, "changelist"))
    assert len(few) <= 12
    make_related_content(27)
    with django_assert_num_queries(len(few)):
        editor_client.get(admin_url(model, "changelist"))


def test_autocomplete_finds_terms_by_name(editor_client):
    make_term(name="Foundation Model")
    make_term(name="Transformer")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "glossary",
            "model_name": "term",
            "field_name": "related_terms",
            "term": "found",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["Foundation Model"]


@pytest.mark.parametrize(
    ("field_name", "search", "expected"),
    [("services", "cloud", "Cloud AI Modernisation"), ("technologies", "hug", "Hugging Face")],
)
def test_autocomplete_for_services_and_technologies(editor_client, field_name, search, expected):
    make_service(title="Cloud AI Modernisation")
    make_technology(name="Hugging Face")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "glossary", "model_name": "term", "field_name": field_name, "term": search},
    )
    assert [result["text"] for result in response.json()["results"]] == [expected]


def test_publish_and_unpublish_actions(editor_client):
    drafts = [make_term(status=Status.DRAFT) for _ in range(2)]
    pks = [term.pk for term in drafts]
    response = editor_client.post(
        admin_url(Term, "changelist"),
        {"action": "publish", "_selected_action": pks},
        follow=True,
    )
    assert "Published 2 items." in response.content.decode()
    assert Term.objects.published().filter(pk__in=pks).count() == 2

    editor_client.post(
        admin_url(Term, "changelist"), {"action": "unpublish", "_selected_action": pks}
    )
    assert not Term.objects.published().filter(pk__in=pks).exists()


def test_relating_a_term_to_itself_in_the_admin_shows_an_error(editor_client):
    term = make_term(name="Loop", slug="loop")
    response = editor_client.post(
        admin_url(Term, "change", term.pk),
        {
            "name": "Loop",
            "slug": "loop",
            "short_definition": "Refers to itself.",
            "related_terms": [term.pk],
            "status": Status.PUBLISHED,
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "A term cannot be related to itself." in response.content.decode()
    assert term.related_terms.count() == 0


def test_editor_can_add_a_term_with_relations(editor_client):
    service = make_service()
    other = make_term()
    response = editor_client.post(
        admin_url(Term, "add"),
        {
            "name": "Foundation Model",
            "slug": "foundation-model",
            "short_definition": "A large model trained on broad data.",
            "body": "In depth.",
            "related_terms": [other.pk],
            "services": [service.pk],
            "tags": "llm, generative-ai",
            "status": Status.DRAFT,
        },
    )
    assert response.status_code == 302
    term = Term.objects.get(slug="foundation-model")
    assert list(term.related_terms.all()) == [other]
    assert list(other.related_terms.all()) == []
    assert list(term.services.all()) == [service]
    assert sorted(term.tags.names()) == ["generative-ai", "llm"]


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_sales_cannot_see_or_change_content(sales_client, model):
    assert sales_client.get(admin_url(model, "changelist")).status_code == 403
    assert sales_client.get(admin_url(model, "add")).status_code == 403


def test_tag_filter_lists_only_tags_used_by_that_content(editor_client):
    make_term(tags=["llm"])
    service = make_service()
    service.tags.set(["consulting"])
    response = editor_client.get(admin_url(Term, "changelist"))
    content = response.content.decode()
    assert "?tag=llm" in content
    assert "?tag=consulting" not in content
    filtered = editor_client.get(admin_url(Term, "changelist"), {"tag": "llm"})
    assert filtered.context["cl"].result_count == 1


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_scheduled_items_show_as_scheduled_with_their_date_and_can_be_filtered(
    editor_client, model
):
    factory = {Term: make_term, Service: make_service, Technology: make_technology}[model]
    when = timezone.make_aware(datetime(2030, 3, 4, 9, 30))
    scheduled = factory(published_at=when)
    live = factory()
    draft = factory(status=Status.DRAFT)

    content = editor_client.get(admin_url(model, "changelist")).content.decode()
    assert "Scheduled for 4 Mar 2030, 09:30" in content
    assert (
        f"Published {live.published_at.astimezone(timezone.get_current_timezone()).day} " in content
    )
    assert ">Draft<" in content

    for state, expected in (("scheduled", scheduled), ("live", live), ("draft", draft)):
        response = editor_client.get(admin_url(model, "changelist"), {"publication": state})
        assert [row.pk for row in response.context["cl"].result_list] == [expected.pk]


@pytest.mark.parametrize(
    ("make", "field_name"),
    [
        (lambda name: make_term(name=name), "related_terms"),
        (lambda name: make_service(title=name), "services"),
    ],
    ids=["terms", "services"],
)
def test_autocomplete_puts_an_exact_name_match_first(editor_client, make, field_name):
    for name in ("Adaptive Retrieval", "Hybrid Retrieval", "Retrieval"):
        make(name)
    other = make("Rerankers")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "retrieval",
            "app_label": "glossary",
            "model_name": "term",
            "field_name": field_name,
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Retrieval", "Adaptive Retrieval", "Hybrid Retrieval"]
    assert str(other) not in names
