"""
The page cache on a Redis of the test's own, stopped mid-test: pages and
enquiries carry on without it, and no edit is kept that the site would hide.
"""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from consultancy.models import Status
from glossary.models import Term
from services.models import Enquiry
from tests.factories import make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_server):
    """The site's cache on the test's own Redis, as CACHE_URL=redis://… configures it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "consultancy.cache_backends.ResilientRedisCache",
            "LOCATION": redis_server.url,
        }
    }
    return redis_server


@pytest.fixture(autouse=True)
def _no_rest_between_attempts(monkeypatch):
    """A restarted server is tried again at once, not after the usual rest."""
    monkeypatch.setattr("consultancy.cache_backends.RETRY_AFTER_SECONDS", 0)


@pytest.fixture
def term():
    return make_term(name="Foundation Model", slug="foundation-model")


def test_pages_are_cached_in_redis_and_rendered_without_it_when_it_stops(client, redis_cache, term):
    server = redis_cache
    client.get(term.get_absolute_url())
    assert client.get(term.get_absolute_url())["X-Page-Cache"] == "hit"

    server.stop()
    response = client.get(term.get_absolute_url())
    assert response.status_code == 200
    assert "Foundation Model" in response.content.decode()
    assert "X-Page-Cache" not in response
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/glossary/?q=foundation").status_code == 200


def test_an_outage_is_logged_once_not_per_request(client, redis_cache, term, caplog):
    server = redis_cache
    server.stop()
    with caplog.at_level(logging.WARNING, logger="consultancy.cache_backends"):
        for _ in range(5):
            assert client.get(term.get_absolute_url()).status_code == 200
    warnings = [r for r in caplog.records if r.name == "consultancy.cache_backends"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_enquiries_are_recorded_and_rate_limited_in_the_process_while_redis_is_down(
    redis_cache, enquiry_settings, enquiry_form_data, send_enquiry, caplog
):
    server = redis_cache
    server.stop()
    enquiry_settings.ENQUIRY_RATE_LIMIT_PER_EMAIL = 2
    with caplog.at_level(logging.WARNING, logger="services.spam"):
        # Three different messages: the same one again would be merged (double submit).
        first, _, third = (
            send_enquiry(enquiry_form_data(message=f"Question {n}")) for n in range(3)
        )
    assert first.status_code == 302
    assert Enquiry.objects.count() == 3
    assert len(mail.outbox) == 2  # the third is over the limit: kept as spam, not sent
    assert third.status_code == 429
    assert any("counted in this process" in r.getMessage() for r in caplog.records)


def test_an_edit_the_cache_cannot_show_is_refused_with_every_value_kept(
    editor_client, redis_cache, term
):
    server = redis_cache
    server.stop()
    url = reverse("admin:glossary_term_change", args=[term.pk])
    data = {
        "name": "Foundation Models Renamed",
        "slug": term.slug,
        "short_definition": "A new definition the editor typed.",
        "body": term.body,
        "auto_link": "on",
        "status": Status.PUBLISHED,
        "published_at_0": term.published_at.strftime("%d/%m/%Y"),
        "published_at_1": term.published_at.strftime("%H:%M:%S"),
    }
    response = editor_client.post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Not saved: the site&#x27;s page cache is not answering" in content
    assert "A new definition the editor typed." in content
    assert Term.objects.get(pk=term.pk).name == "Foundation Model"

    server.start()
    assert editor_client.post(url, data).status_code == 302
    assert Term.objects.get(pk=term.pk).name == "Foundation Models Renamed"


def test_unpublishing_during_a_cache_outage_is_refused_and_the_page_stays_as_it_was(
    editor_client, redis_cache, term
):
    server = redis_cache
    client = Client()  # a visitor, beside the logged-in editor
    client.get(term.get_absolute_url())
    assert client.get(term.get_absolute_url())["X-Page-Cache"] == "hit"

    server.stop()
    response = editor_client.post(
        reverse("admin:glossary_term_changelist"),
        {"action": "unpublish", "_selected_action": [term.pk]},
        follow=True,
    )
    assert "Not saved: the site&#x27;s page cache is not answering" in response.content.decode()
    assert Term.objects.get(pk=term.pk).status == Status.PUBLISHED
    # Nor is a revision kept of the change that did not happen.
    assert not Version.objects.get_for_object(term).exists()

    # Redis comes back (empty, as it keeps nothing on disk): what visitors see
    # and what the database says agree.
    server.start()
    assert client.get(term.get_absolute_url()).status_code == 200
    Term.objects.filter(pk=term.pk).unpublish()
    assert client.get(term.get_absolute_url()).status_code == 404


def test_an_edit_while_redis_answers_is_visible_on_the_very_next_request(client, redis_cache, term):
    client.get(term.get_absolute_url())
    assert client.get(term.get_absolute_url())["X-Page-Cache"] == "hit"
    Term.objects.filter(pk=term.pk).unpublish()
    assert client.get(term.get_absolute_url()).status_code == 404


def test_a_restarted_redis_answers_the_first_call_after_it(redis_cache, monkeypatch):
    """
    The connections a process keeps from before a Redis restart are dead: the
    first call after one must not be a miss (and a rest) for that alone.
    """
    from django.core.cache import cache

    monkeypatch.setattr("consultancy.cache_backends.RETRY_AFTER_SECONDS", 60)
    assert cache.set("kept", "before")
    redis_cache.stop()
    redis_cache.start()
    assert cache.set("kept", "after") is True
    assert cache.get("kept") == "after"
