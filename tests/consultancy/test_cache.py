"""The page cache: fast for visitors, never stale, never shared with staff."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone
from taggit.models import Tag

from consultancy.cache import (
    SEARCH_PAGE_SECONDS,
    bump_content_version,
    seconds_until_next_publication,
)
from consultancy.models import Status
from glossary.models import Term
from tests.factories import make_service, make_technology, make_term
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    term = make_term(name="Foundation Model", slug="foundation-model", tags=["llm"])
    term.services.add(make_service(title="Cloud AI Modernisation", summary="Old summary."))
    term.technologies.add(make_technology(name="OpenAI Integration"))
    term.related_terms.add(make_term(name="Transformer", slug="transformer"))
    return term


def fetch(client, path="/glossary/foundation-model/", **headers):
    return client.get(path, headers=headers)


def test_second_visit_is_served_from_the_cache_without_queries(
    client, term, django_assert_num_queries
):
    first = fetch(client)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = fetch(client)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_cached_pages_tell_browsers_and_cdns_to_revalidate(client, term):
    response = fetch(client)
    assert "public" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]


def test_conditional_get_answers_304(client, term):
    first = fetch(client)
    assert fetch(client, **{"If-None-Match": first["ETag"]}).status_code == 304
    assert fetch(client, **{"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    assert fetch(client, **{"If-None-Match": '"something-else"'}).status_code == 200


def edit_term(term):
    term.short_definition = "A brand new definition."
    term.save()


def edit_service(term):
    service = term.services.get()
    service.summary = "A brand new definition."
    service.save()


def edit_technology(term):
    technology = term.technologies.get()
    technology.summary = "A brand new definition."
    technology.save()


def edit_related_term(term):
    related = term.related_terms.get()
    related.short_definition = "A brand new definition."
    related.save()


def add_relation(term):
    term.services.add(make_service(summary="A brand new definition."))


def rename_tag(term):
    Tag.objects.filter(name="llm").update(name="x")  # update() sends no signal…
    tag = Tag.objects.get(slug="llm")
    tag.name = "A brand new definition."  # …but editing in the admin saves.
    tag.save()


def retag(term):
    term.tags.add("A brand new definition.")


@pytest.mark.parametrize(
    "edit",
    [
        edit_term,
        edit_service,
        edit_technology,
        edit_related_term,
        add_relation,
        rename_tag,
        retag,
    ],
)
def test_any_edit_shown_on_a_page_is_fresh_on_the_next_request(client, term, edit):
    assert "A brand new definition." not in text(fetch(client))
    assert fetch(client)["X-Page-Cache"] == "hit"
    edit(term)
    assert "A brand new definition." in text(fetch(client))


def test_unpublishing_removes_the_page_and_its_mentions_at_once(client, term):
    fetch(client)
    fetch(client, "/glossary/transformer/")
    Term.objects.filter(pk=term.pk).unpublish()
    assert fetch(client).status_code == 404
    assert "Foundation Model" not in text(fetch(client, "/glossary/transformer/"))


def test_publishing_shows_the_new_term_in_the_index_at_once(client, term):
    fetch(client, "/glossary/")
    draft = make_term(name="Brand New Term", status=Status.DRAFT)
    assert "Brand New Term" not in text(fetch(client, "/glossary/"))
    Term.objects.filter(pk=draft.pk).publish()
    assert "Brand New Term" in text(fetch(client, "/glossary/"))


def test_deleting_a_related_item_updates_the_page(client, term):
    fetch(client)
    term.services.get().delete()
    assert "Cloud AI Modernisation" not in text(fetch(client))


def test_staff_are_never_served_or_given_cached_pages(client, editor_client, term):
    fetch(client)  # a visitor's copy is now cached
    staff_response = fetch(editor_client)
    assert "X-Page-Cache" not in staff_response
    draft = make_term(name="Secret Draft", slug="secret-draft", status=Status.DRAFT)
    assert fetch(editor_client, "/glossary/secret-draft/").status_code == 200
    client.logout()
    assert fetch(client, draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/glossary/foundation-model/?utm_source=newsletter",
        "/no-such-page/",
        "/contact/",
    ],
)
def test_campaign_links_errors_and_forms_are_not_cached(client, term, path):
    fetch(client, path)
    assert fetch(client, path).get("X-Page-Cache") != "hit"


@pytest.mark.parametrize("make_item", [make_term, make_service, make_technology])
def test_pages_expire_when_a_scheduled_item_of_any_kind_goes_public(term, make_item):
    make_item(published_at=timezone.now() + timedelta(seconds=90))
    assert 80 <= seconds_until_next_publication(bump_content_version()) <= 90


def test_deploy_check_warns_only_when_production_asks_for_a_per_process_cache(settings):
    from consultancy.checks import page_cache_is_shared

    settings.DEBUG = False
    settings.CACHE_URL = "locmem://"
    assert [warning.id for warning in page_cache_is_shared(None)] == ["consultancy.W001"]
    for shared in ("", "redis://127.0.0.1:6379/0", "file:///srv/cache"):
        settings.CACHE_URL = shared
        assert page_cache_is_shared(None) == []


def test_a_response_with_a_csp_nonce_is_never_stored(rf):
    from django.http import HttpResponse

    from consultancy.cache import is_cacheable_response

    plain = HttpResponse("page", headers={"Content-Security-Policy": "script-src 'self'"})
    with_nonce = HttpResponse(
        "page", headers={"Content-Security-Policy": "script-src 'self' 'nonce-abc123'"}
    )
    assert is_cacheable_response(rf.get("/"), plain)
    assert not is_cacheable_response(rf.get("/"), with_nonce)


def test_search_results_are_cached_briefly_and_fresh_after_an_edit(client, term, monkeypatch):
    stored = []
    backend = caches["default"]
    store = backend.set
    monkeypatch.setattr(
        backend,
        "set",
        lambda key, value, timeout=None: stored.append(timeout) or store(key, value, timeout),
    )
    fetch(client, "/glossary/?q=foundation")
    assert fetch(client, "/glossary/?q=foundation")["X-Page-Cache"] == "hit"
    # Anyone can make up new searches: they are not kept long.
    assert stored[-1] <= SEARCH_PAGE_SECONDS
    make_term(name="Foundation Benchmarks")
    assert "Foundation Benchmarks" in text(fetch(client, "/glossary/?q=foundation"))


@pytest.mark.parametrize("path", ["/glossary/?tag=llm", "/glossary/?q=model"])
def test_pages_with_listed_parameters_are_cached(client, term, path):
    fetch(client, path)
    assert fetch(client, path)["X-Page-Cache"] == "hit"


def test_a_repeated_parameter_is_not_cached(client, term):
    path = "/glossary/?page=1&page=1"
    fetch(client, path)
    assert fetch(client, path).get("X-Page-Cache") != "hit"


def test_a_page_cached_before_a_change_of_settings_is_not_served_after_it(client, term, settings):
    """A restart with another reply promise (or templates, or static files): no old page."""
    settings.ENQUIRY_REPLY_PROMISE = "within one working day"
    assert fetch(client)["X-Page-Cache"] == "miss"
    assert fetch(client)["X-Page-Cache"] == "hit"

    settings.ENQUIRY_REPLY_PROMISE = "within the hour"
    response = fetch(client)
    assert response["X-Page-Cache"] == "miss"
    assert "within the hour" in text(response)
    assert fetch(client)["X-Page-Cache"] == "hit"


def test_the_release_is_the_same_in_every_process_until_something_shown_changes(settings):
    """Part of the shared cache's keys: it must not vary between processes or runs."""
    from consultancy import cache

    cache.release.cache_clear()
    first = cache.release()
    cache.release.cache_clear()
    assert cache.release() == first
    settings.SITE_NAME = "Another Name"
    assert cache.release() != first
