"""The glossary's links in services' and technologies' bodies, kept right on every change."""

import re

import pytest

from consultancy.models import Status
from glossary.models import Term
from glossary.tasks import RELINK_IN_REQUEST
from services.models import Service, Technology
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def linked(item):
    """The term pks the item's stored body links to."""
    item = type(item).objects.get(pk=item.pk)
    return {int(pk) for pk in re.findall(r"data-term=\"(\d+)\"", item.body_html)}


def test_service_and_technology_bodies_link_terms_with_the_same_rules():
    rag = make_term(name="Retrieval-Augmented Generation", abbreviation="RAG")
    retrieval = make_term(name="Retrieval")
    service = make_service(
        body="## Retrieval\n\nWe build RAG and Retrieval-Augmented Generation, `Retrieval` too."
    )
    html = Service.objects.get(pk=service.pk).body_html
    # First mention only, never in a heading or code, the longest match first.
    assert html.count(f'data-term="{rag.pk}"') == 1
    assert f'data-term="{retrieval.pk}"' not in html
    technology = make_technology(body="Fast {nolink}Retrieval{/nolink} and Retrieval.")
    assert linked(technology) == {retrieval.pk}
    assert "nolink" not in Technology.objects.get(pk=technology.pk).body_html


@pytest.mark.parametrize("make", [make_service, make_technology], ids=["service", "technology"])
def test_a_mention_inside_a_markdown_link_in_a_service_or_technology_is_not_linked(make):
    term = make_term(name="Vector Database")
    only_in_a_link = make(body="Read [our Vector Database guide](https://example.com/guide).")
    assert linked(only_in_a_link) == set()
    item = make(body="See [Vector Database notes](/contact/), then a Vector Database.")
    html = type(item).objects.get(pk=item.pk).body_html
    assert linked(item) == {term.pk}
    # The one link to the term is the later, plain mention: nothing nests in the written link.
    assert re.search(r'<a href="/contact/">Vector Database notes</a>', html)
    assert html.index(f'data-term="{term.pk}"') > html.index("notes</a>")


def test_publishing_unpublishing_renaming_and_deleting_a_term_relink_other_kinds():
    term = make_term(name="Vector Database", status=Status.DRAFT)
    service = make_service(body="We run a Vector Database for you.")
    technology = make_technology(body="A Vector Database, hosted.")
    assert linked(service) == linked(technology) == set()

    term.status = Status.PUBLISHED
    term.save()
    assert linked(service) == linked(technology) == {term.pk}

    Term.objects.filter(pk=term.pk).unpublish()
    assert linked(service) == set()
    Term.objects.filter(pk=term.pk).publish()
    assert linked(service) == {term.pk}

    term = Term.objects.get(pk=term.pk)
    term.name, term.slug = "Vector Store", "vector-store"
    term.save()
    assert linked(service) == set()

    term.aliases = "Vector Database"
    term.save()
    assert linked(technology) == {term.pk}

    term.delete()
    assert linked(technology) == set()


def test_a_change_touching_many_pages_is_relinked_through_the_queue(
    django_capture_on_commit_callbacks,
):
    services = [
        make_service(body="Built on an Embedding model.") for _ in range(RELINK_IN_REQUEST + 1)
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        term = make_term(name="Embedding")
    # Saved at once; the pages wait for the task, queued once the save commits.
    assert linked(services[0]) == set()
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()  # commit: the immediate task backend runs the task
    assert all(linked(service) == {term.pk} for service in services)


def test_a_change_touching_few_pages_relinks_them_in_the_save():
    service = make_service(body="Built on an Embedding model.")
    term = make_term(name="Embedding")
    assert linked(service) == {term.pk}
