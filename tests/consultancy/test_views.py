"""The shared list views: one URL per page, so one page cache entry per page."""

import pytest
from django.core.cache import caches

from tests.factories import make_service, make_term
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_pages(monkeypatch):
    """The paths of the pages the page cache stores, in order."""
    stored = []
    backend = caches["default"]
    store = backend.set

    def recording_set(key, value, timeout=None):
        if key.startswith("page-cache:page:"):
            stored.append(key)
        return store(key, value, timeout)

    monkeypatch.setattr(backend, "set", recording_set)
    return stored


@pytest.fixture
def two_pages_of_services():
    for n in range(30):
        make_service(title=f"Service {n:02}")


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("/services/?page=1", "/services/"),
        ("/services/?page=", "/services/"),
        ("/services/?page=01", "/services/"),
        ("/services/?page=02", "/services/?page=2"),
        ("/services/?page=002", "/services/?page=2"),
        ("/services/?page=%2B2", "/services/?page=2"),
        ("/services/?page=%202", "/services/?page=2"),
        ("/services/?page=2%20", "/services/?page=2"),
        ("/services/?page=1&page=2", "/services/?page=2"),
        ("/technologies/?page=001", "/technologies/"),
        # Other parameters (a campaign link) are kept as they are.
        ("/services/?utm_source=mail&page=01", "/services/?utm_source=mail"),
    ],
)
def test_a_page_number_spelled_another_way_is_redirected_to_the_canonical_url(
    client, two_pages_of_services, stored_pages, variant, canonical
):
    response = client.get(variant)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert stored_pages == []
    assert client.get(variant).status_code == 301


@pytest.mark.parametrize(
    "path",
    [
        "/services/?page=0",
        "/services/?page=-1",
        "/services/?page=3",
        "/services/?page=two",
        "/services/?page=last",
        "/services/?page=1.0",
        "/services/?page=1%00",
        f"/services/?page={'9' * 50}",
        f"/services/?page={'9' * 5000}",
    ],
)
def test_an_out_of_range_or_non_numeric_page_is_not_found_and_not_cached(
    client, two_pages_of_services, stored_pages, path
):
    assert client.get(path).status_code == 404
    assert stored_pages == []


def test_only_the_canonical_url_of_a_page_is_served_and_cached(
    client, two_pages_of_services, stored_pages
):
    """Padded variants of a page number used to be stored once each, for an hour."""
    for padding in range(1, 50):
        client.get(f"/services/?page={'0' * padding}2")
        client.get(f"/services/?page={' ' * padding}1")
    assert stored_pages == []

    first, second = client.get("/services/"), client.get("/services/?page=2")
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(stored_pages) == 2
    assert "Service 29" in text(second)
    assert client.get("/services/?page=2")["X-Page-Cache"] == "hit"


def test_pagination_links_use_the_canonical_urls(client):
    for n in range(205):
        make_term(name=f"Term {n:03}")
    content = text(client.get("/glossary/?page=2"))
    assert '<a href="/glossary/" rel="prev">' in content
    assert '<a href="?page=3" rel="next">' in content
    assert '<a href="?page=2" rel="prev">' in text(client.get("/glossary/?page=3"))


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("/?page=001", "/"),
        ("/?q=anything", "/"),
        ("/glossary/foundation-model/?page=2", "/glossary/foundation-model/"),
        (
            "/glossary/foundation-model/?tag=x&utm_source=mail",
            "/glossary/foundation-model/?utm_source=mail",
        ),
        ("/services/cloud-ai-modernisation/?q=1", "/services/cloud-ai-modernisation/"),
        ("/technologies/openai-integration/?page=", "/technologies/openai-integration/"),
        ("/glossary/feed/?page=3", "/glossary/feed/"),
        ("/services/?q=rag&tag=x", "/services/"),
        ("/privacy/?page=2", "/privacy/"),
        ("/robots.txt?q=x", "/robots.txt"),
        ("/sitemap.xml?tag=x&page=001", "/sitemap.xml"),
    ],
)
def test_a_parameter_a_page_does_not_read_is_redirected_away_and_never_cached(
    client, site, stored_pages, variant, canonical
):
    """The page cache keys on page, q and tag: on a page that reads none, each value was an entry."""
    response = client.get(variant)
    assert (response.status_code, response["Location"]) == (301, canonical)
    assert stored_pages == []
    assert client.get(canonical).status_code == 200
