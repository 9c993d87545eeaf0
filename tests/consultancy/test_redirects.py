"""Old addresses keep working: renames redirect, deletes answer 410, misses are counted."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultancy import redirects
from consultancy.models import MissingUrl, Redirect, RedirectSource, Status
from glossary.models import Term
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db

BUILDERS = [make_term, make_service, make_technology]


def rename(item, slug):
    item.slug = slug
    item.save()
    return item


@pytest.mark.parametrize("make", BUILDERS)
def test_renamed_item_redirects_permanently_from_its_old_address(client, make):
    item = make(slug="old-name")
    old_url = item.get_absolute_url()
    rename(type(item).objects.get(pk=item.pk), "new-name")

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == type(item).objects.get(pk=item.pk).get_absolute_url()
    assert Redirect.objects.get(from_path=old_url).source == RedirectSource.RENAME


def test_after_two_renames_both_old_addresses_go_straight_to_the_current_one(client):
    term = make_term(slug="first")
    rename(term, "second")
    rename(term, "third")

    for old in ("/glossary/first/", "/glossary/second/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/glossary/third/"
    assert client.get("/glossary/third/").status_code == 200


def test_taking_back_an_old_name_serves_the_page_there_without_a_loop(client):
    term = make_term(slug="alpha")
    rename(term, "beta")
    rename(term, "alpha")

    assert client.get("/glossary/alpha/").status_code == 200
    assert client.get("/glossary/beta/")["Location"] == "/glossary/alpha/"
    assert not Redirect.objects.filter(from_path="/glossary/alpha/").exists()


def test_renaming_a_draft_that_never_went_live_creates_no_redirect(client):
    term = make_term(slug="draft-name", status=Status.DRAFT)
    rename(term, "better-name")

    assert not Redirect.objects.exists()
    assert client.get("/glossary/draft-name/").status_code == 404


def test_a_dated_draft_that_never_went_live_leaves_no_redirect_or_gone_page(client):
    """An editor typed a past date on a draft (or an import carried one): still never public."""
    term = make_term(
        slug="dated-draft", status=Status.DRAFT, published_at=timezone.now() - timedelta(days=3)
    )
    rename(Term.objects.get(pk=term.pk), "dated-draft-renamed")
    assert not Redirect.objects.exists()
    assert client.get("/glossary/dated-draft/").status_code == 404

    Term.objects.get(pk=term.pk).delete()
    assert not Redirect.objects.exists()
    assert client.get("/glossary/dated-draft-renamed/").status_code == 404


def test_publishing_and_renaming_in_one_save_leaves_no_redirect_from_the_draft_name(client):
    term = make_term(slug="working-title", status=Status.DRAFT)
    term = Term.objects.get(pk=term.pk)
    term.slug, term.status = "final-title", Status.PUBLISHED
    term.save()
    assert not Redirect.objects.exists()
    assert client.get("/glossary/final-title/").status_code == 200


def test_an_item_that_went_public_by_its_schedule_keeps_its_address_when_renamed(client):
    """Going public at the scheduled moment writes nothing: the rename still sees it."""
    term = make_term(slug="on-schedule", published_at=timezone.now() + timedelta(hours=1))
    Term.objects.filter(pk=term.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    rename(Term.objects.get(pk=term.pk), "after-schedule")
    assert client.get("/glossary/on-schedule/")["Location"] == "/glossary/after-schedule/"


@pytest.mark.parametrize("take_down", ["save", "unpublish action"])
def test_an_item_taken_down_keeps_its_address_through_a_rename_and_a_delete(client, take_down):
    term = make_term(slug="was-live", published_at=timezone.now() - timedelta(days=1))
    if take_down == "save":
        draft = Term.objects.get(pk=term.pk)
        draft.status = Status.DRAFT
        draft.save()
    else:
        Term.objects.filter(pk=term.pk).unpublish()
    rename(Term.objects.get(pk=term.pk), "renamed-while-down")
    assert Redirect.objects.get(from_path="/glossary/was-live/").to == (
        "/glossary/renamed-while-down/"
    )
    Term.objects.get(pk=term.pk).delete()
    assert client.get("/glossary/was-live/").status_code == 410
    assert client.get("/glossary/renamed-while-down/").status_code == 410


def test_unpublishing_an_item_that_went_public_by_its_schedule_records_it(client):
    term = make_term(slug="scheduled-then-down", published_at=timezone.now() + timedelta(hours=1))
    Term.objects.filter(pk=term.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    Term.objects.filter(pk=term.pk).unpublish()
    assert Term.objects.get(pk=term.pk).first_published_at is not None
    rename(Term.objects.get(pk=term.pk), "scheduled-renamed")
    assert client.get("/glossary/scheduled-then-down/").status_code == 301


def test_a_cached_old_page_is_not_served_after_a_rename(client):
    term = make_term(slug="cached-name")
    assert client.get("/glossary/cached-name/").status_code == 200
    rename(term, "fresh-name")

    assert client.get("/glossary/cached-name/").status_code == 301


def test_query_string_is_kept_through_a_redirect(client):
    Redirect.objects.create(from_path="/old/", to="/glossary/")
    assert client.get("/old/?utm_source=mail")["Location"] == "/glossary/?utm_source=mail"


def test_temporary_redirect_answers_302(client):
    Redirect.objects.create(from_path="/old/", to="/glossary/", permanent=False)
    assert client.get("/old/").status_code == 302


@pytest.mark.parametrize("make", BUILDERS)
def test_deleted_item_answers_410_with_the_branded_page(client, make):
    item = make()
    url = item.get_absolute_url()
    item.delete()

    response = client.get(url)

    assert response.status_code == 410
    assert "410.html" in [t.name for t in response.templates]
    assert "This page has been removed" in response.content.decode()


def test_deleted_item_leaves_the_sitemap(client):
    term = make_term(slug="doomed")
    assert "/glossary/doomed/" in client.get("/sitemap.xml").content.decode()
    term.delete()
    assert "/glossary/doomed/" not in client.get("/sitemap.xml").content.decode()


def test_redirects_to_a_deleted_item_answer_410_too(client):
    term = make_term(slug="before")
    rename(term, "after")
    term.delete()

    assert client.get("/glossary/before/").status_code == 410
    assert client.get("/glossary/after/").status_code == 410


def test_deleting_a_draft_that_never_went_live_leaves_a_404(client):
    term = make_term(slug="never-public", status=Status.DRAFT)
    term.delete()
    assert client.get("/glossary/never-public/").status_code == 404


def test_an_existing_page_costs_no_redirect_query(client):
    make_term(slug="here")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/glossary/here/").status_code == 200
    assert queries.captured_queries
    redirect_tables = ("consultancy_redirect", "consultancy_missingurl")
    assert not [q for q in queries.captured_queries if any(t in q["sql"] for t in redirect_tables)]


def test_missing_url_is_counted_by_path_and_day_only(client):
    client.get("/no-such-page/", HTTP_USER_AGENT="Secret/1.0", REMOTE_ADDR="203.0.113.9")
    client.get("/no-such-page/")

    (row,) = MissingUrl.objects.all()
    assert (row.path, row.count) == ("/no-such-page/", 2)
    assert {field.name for field in MissingUrl._meta.fields} == {"id", "path", "day", "count"}


def test_missing_url_log_is_bounded(client, monkeypatch):
    monkeypatch.setattr(redirects, "MISSING_NEW_PATHS_PER_DAY", 2)
    client.get("/" + "x" * 301)
    for n in range(4):
        client.get(f"/missing-{n}/")
    client.get("/missing-0/")

    assert dict(MissingUrl.objects.values_list("path", "count")) == {
        "/missing-0/": 2,
        "/missing-1/": 1,
    }


def test_a_redirected_path_is_not_counted_as_missing(client):
    Redirect.objects.create(from_path="/old/", to="/glossary/")
    client.get("/old/")
    assert not MissingUrl.objects.exists()


def test_browsers_ask_again_before_reusing_a_rename_redirect(client):
    """A browser that kept a → b for good would loop once a revision renames b back to a."""
    term = make_term(slug="before")
    term.slug = "after"
    term.save()
    response = client.get("/glossary/before/")
    assert response.status_code == 301
    assert "no-cache" in response["Cache-Control"]
