"""Editors manage redirects in the admin and see the most requested missing addresses."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultancy.models import MissingUrl, Redirect, RedirectSource
from consultancy.redirect_forms import RedirectForm
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def form(from_path, to, permanent=True, instance=None):
    return RedirectForm(
        {"from_path": from_path, "to": to, "permanent": permanent}, instance=instance
    )


def test_a_redirect_to_its_own_address_is_refused():
    redirect_form = form("/a/", "/a/")
    assert not redirect_form.is_valid()
    assert "loop" in str(redirect_form.errors)


def test_a_redirect_that_leads_back_through_another_is_refused():
    Redirect.objects.create(from_path="/a/", to="/b/")
    redirect_form = form("/b/", "/a/")
    assert not redirect_form.is_valid()
    assert redirect_form.errors.as_data()["__all__"][0].code == "redirect_loop"


def test_a_target_that_is_itself_redirected_is_resolved_to_the_final_one():
    Redirect.objects.create(from_path="/a/", to="/b/")
    Redirect.objects.create(from_path="/b/", to="/c/")
    redirect_form = form("/x/", "/a/")
    assert redirect_form.is_valid(), redirect_form.errors
    redirect_form.save()
    assert Redirect.objects.get(from_path="/x/").to == "/c/"


def test_redirects_to_a_newly_redirected_address_are_repointed():
    Redirect.objects.create(from_path="/a/", to="/b/")
    redirect_form = form("/b/", "https://example.com/new")
    assert redirect_form.is_valid(), redirect_form.errors
    redirect_form.save()
    assert Redirect.objects.get(from_path="/a/").to == "https://example.com/new"


@pytest.mark.parametrize("from_path", ["old/", "https://example.com/old/", "/old/?x=1", "//x/"])
def test_from_path_must_be_an_address_on_this_site(from_path):
    assert "from_path" in form(from_path, "/new/").errors


@pytest.mark.parametrize("to", ["javascript:alert(1)", "new/", "//evil.example/"])
def test_target_must_be_a_path_or_a_web_address(to):
    assert "to" in form("/old/", to).errors


def test_editor_adds_a_redirect_in_the_admin(editor_client, client):
    response = editor_client.post(
        reverse("admin:consultancy_redirect_add"),
        {"from_path": "/old-page/", "to": "/glossary/", "permanent": ""},
    )
    assert response.status_code == 302
    redirect = Redirect.objects.get()
    assert (redirect.to, redirect.permanent, redirect.source) == (
        "/glossary/",
        False,
        RedirectSource.STAFF,
    )
    client.logout()
    assert client.get("/old-page/").status_code == 302


def test_editor_sees_the_loop_message_in_the_admin(editor_client):
    response = editor_client.post(
        reverse("admin:consultancy_redirect_add"),
        {"from_path": "/same/", "to": "/same/", "permanent": "on"},
    )
    assert response.status_code == 200
    assert "go round in a loop" in response.content.decode()
    assert not Redirect.objects.exists()


def test_create_redirect_link_fills_in_the_path(editor_client):
    MissingUrl.objects.create(path="/lost/page/", count=3)
    page = editor_client.get(reverse("admin:consultancy_missingurl_changelist"))
    link = page.context["rows"][0]["add_redirect_url"]
    assert link == reverse("admin:consultancy_redirect_add") + "?from_path=%2Flost%2Fpage%2F"
    add_form = editor_client.get(link)
    assert add_form.context["adminform"].form.initial["from_path"] == "/lost/page/"


def make_missing(count):
    today = timezone.localdate()
    for n in range(count):
        for days_ago in (0, 1):
            MissingUrl.objects.create(
                path=f"/missing-{n}/", day=today - datetime.timedelta(days=days_ago), count=n + 1
            )
    MissingUrl.objects.create(
        path="/too-old/", day=today - datetime.timedelta(days=31), count=10_000
    )


@pytest.mark.parametrize("count", [3, 30])
def test_missing_urls_list_shows_the_top_paths_in_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, count
):
    """Guards against N+1: the session, the user, two permission checks and one query for the list."""
    make_missing(count)
    Redirect.objects.bulk_create(Redirect(from_path=f"/r-{n}/", to="/") for n in range(count))
    url = reverse("admin:consultancy_missingurl_changelist")
    with django_assert_num_queries(5):
        response = editor_client.get(url)
    rows = response.context["rows"]
    assert rows[0]["path"] == f"/missing-{count - 1}/"
    assert rows[0]["total"] == 2 * count
    assert "/too-old/" not in [row["path"] for row in rows]
    assert "Create redirect" in response.content.decode()


def test_a_path_redirected_since_is_no_longer_listed_as_missing(editor_client):
    MissingUrl.objects.create(path="/lost/", count=5)
    MissingUrl.objects.create(path="/still-lost/", count=2)
    Redirect.objects.create(from_path="/lost/", to="/glossary/")
    response = editor_client.get(reverse("admin:consultancy_missingurl_changelist"))
    assert [row["path"] for row in response.context["rows"]] == ["/still-lost/"]


def test_missing_urls_list_shows_at_most_100_paths(editor_client):
    MissingUrl.objects.bulk_create(MissingUrl(path=f"/m-{n}/", count=n) for n in range(120))
    response = editor_client.get(reverse("admin:consultancy_missingurl_changelist"))
    assert len(response.context["rows"]) == 100


def test_redirects_changelist_runs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries
):
    """Guards against N+1 in the redirects' changelist."""
    Redirect.objects.bulk_create(Redirect(from_path=f"/r-{n}/", to="/") for n in range(20))
    with django_assert_num_queries(7):
        assert (
            editor_client.get(reverse("admin:consultancy_redirect_changelist")).status_code == 200
        )


def test_sales_cannot_change_redirects(sales_client):
    assert sales_client.get(reverse("admin:consultancy_redirect_add")).status_code == 403


def test_items_deleted_in_bulk_from_the_admin_answer_410(editor_client, client):
    terms = [make_term(), make_term()]
    response = editor_client.post(
        reverse("admin:glossary_term_changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in terms], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    for term in terms:
        assert client.get(f"/glossary/{term.slug}/").status_code == 410


def change_redirect(client, redirect, **changes):
    data = {"from_path": redirect.from_path, "to": redirect.to, "permanent": "on", **changes}
    return client.post(
        reverse("admin:consultancy_redirect_change", args=[redirect.pk]), data, follow=True
    )


@pytest.mark.parametrize(
    ("other", "to", "message", "saved_to"),
    [
        # The edited row is left out of the loop check: its old target no longer counts.
        (("/c/", "/x/"), "/c/", "go round in a loop: following /c/ leads back to /x/.", "/old/"),
        (
            ("/moved/", "/final/"),
            "/moved/",
            "/moved/ is itself redirected, so this redirect goes straight to /final/.",
            "/final/",
        ),
    ],
    ids=["loop-refused", "chain-resolved"],
)
def test_editing_a_redirect_refuses_a_loop_and_resolves_a_chain(
    editor_client, other, to, message, saved_to
):
    Redirect.objects.create(from_path=other[0], to=other[1])
    redirect = Redirect.objects.create(from_path="/x/", to="/old/")
    response = change_redirect(editor_client, redirect, to=to)
    assert message in response.content.decode()
    redirect.refresh_from_db()
    assert redirect.to == saved_to


def test_editor_deletes_a_redirect_in_the_admin(editor_client, client):
    redirect = Redirect.objects.create(from_path="/old-page/", to="/glossary/")
    response = editor_client.post(
        reverse("admin:consultancy_redirect_delete", args=[redirect.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Redirect.objects.exists()
    client.logout()
    assert client.get("/old-page/").status_code == 404


def test_sales_cannot_see_the_missing_urls(sales_client):
    MissingUrl.objects.create(path="/lost/", count=5)
    assert sales_client.get(reverse("admin:consultancy_missingurl_changelist")).status_code == 403
    index = sales_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:consultancy_missingurl_changelist") not in index


@pytest.mark.parametrize("count", [3, 30])
def test_the_redirect_form_costs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, count
):
    """
    Guards against N+1: the add and change forms, and their saves (the change
    followed to the changelist), read no redirect per row: following a target
    is one hop, and repointing the redirects to a new one is one UPDATE.
    """
    Redirect.objects.bulk_create(Redirect(from_path=f"/r-{n}/", to="/final/") for n in range(count))
    Redirect.objects.create(from_path="/moved/", to="/final/")
    redirect = Redirect.objects.get(from_path="/r-0/")
    add = reverse("admin:consultancy_redirect_add")
    editor_client.get(add)  # Fills the process-wide content type cache, whichever test runs first.
    with django_assert_num_queries(4):
        assert editor_client.get(add).status_code == 200
    change = reverse("admin:consultancy_redirect_change", args=[redirect.pk])
    with django_assert_num_queries(5):
        assert editor_client.get(change).status_code == 200
    with django_assert_num_queries(25):
        assert change_redirect(editor_client, redirect, to="/moved/").status_code == 200
    redirect.refresh_from_db()
    assert redirect.to == "/final/"
    with django_assert_num_queries(16):
        response = editor_client.post(
            add,
            {"from_path": "/final/", "to": "/glossary/", "permanent": "on"},
        )
    assert response.status_code == 302
    assert Redirect.objects.filter(to="/glossary/").count() == count + 2
