"""A term page's "Mentioned in": the published pages whose text links to it, from the link index."""

import pytest

from consultancy.models import BodyLink, Status
from consultancy.page_links import local_paths
from services.models import Service
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def mentioned_in(client, term):
    page = client.get(term.get_absolute_url()).context
    return [str(card) for card in page["relations"]["mentioned_in"]]


def test_the_term_page_lists_the_published_pages_that_mention_it(client):
    term = make_term(name="Embedding", slug="embedding")
    make_service(title="Search Build", body="We tune an Embedding for you.")
    make_technology(name="Vector DB", body="Stores each [vector](/glossary/embedding/).")
    make_term(name="Retrieval", body="Every Embedding is compared.")
    make_service(title="Draft Service", body="An Embedding too.", status=Status.DRAFT)
    make_term(name="Unrelated", body="Not about that at all.")
    assert mentioned_in(client, term) == ["Retrieval", "Search Build", "Vector DB"]
    html = client.get(term.get_absolute_url()).content.decode()
    assert 'id="mentioned-in"' in html


def test_mentioned_in_counts_links_not_words(client):
    """As the README says: a mention that makes no link is not counted."""
    common = make_term(name="Widget", slug="widget", linkable=False)
    make_service(title="Words Only", body="A widget.")
    make_technology(name="Written Link", body="See [the widget](/glossary/widget/).")
    assert mentioned_in(client, common) == ["Written Link"]
    term = make_term(name="Gadget")
    make_service(title="Passage", body="A {nolink}Gadget{/nolink}.")
    make_term(name="Switched Off", body="A Gadget.", auto_link=False)
    assert mentioned_in(client, term) == []


def test_mentioned_in_costs_no_query_per_page(client, cold_cache, django_assert_num_queries):
    """Guards against N+1: the list comes in the one query of the page's relations."""
    term = make_term(name="Embedding")
    for n in range(5):
        make_service(body=f"Service {n} tunes an Embedding.")
    with django_assert_num_queries(2):
        response = client.get(term.get_absolute_url())
    assert len(response.context["relations"]["mentioned_in"]) == 5


def test_the_link_index_follows_every_change_of_a_body(client):
    term = make_term(name="Embedding")
    service = make_service(body="An Embedding.")
    assert mentioned_in(client, term) == [service.title]
    service.body = "Nothing now."
    service.save()
    assert mentioned_in(client, term) == []
    service.body = "An Embedding again."
    service.save()
    Service.objects.filter(pk=service.pk).delete()
    assert not BodyLink.objects.exists()


def test_only_links_to_pages_of_this_site_are_indexed():
    html = (
        '<a href="/glossary/a/">a</a> <a href="https://example.com/x">x</a> '
        '<a href="//cdn.example.com/y">y</a> <a href="/glossary/a/#part">again</a> '
        '<a href="mailto:someone@example.com">m</a> <a href="/services/b/?utm=1">b</a>'
    )
    assert local_paths(html) == ["/glossary/a/", "/services/b/"]
