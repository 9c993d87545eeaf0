"""Drafts of live content: saved without changing the page, previewed, published or discarded."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from consultancy.models import Draft, Status
from glossary.models import Term
from services.models import Service
from tests.admin_forms import form_as_shown
from tests.consultancy.test_revisions import save_in_admin
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db

# Pinned by the last test (however many items the draft relates to). The
# preview: the session and user, the item, its draft, what the page lists
# (live, then the draft's related items and tags), the link index, the page's
# shared reads. The change form: the admin's own reads, the draft, each
# relation's items in order and the chosen options' labels, the owners to choose from.
PREVIEW_QUERIES = 14
CHANGE_FORM_QUERIES = 16


def admin_url(item, view):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk])


def form_data(term, **changes):
    data = {
        "name": term.name,
        "slug": term.slug,
        "short_definition": term.short_definition,
        "body": term.body,
        "related_terms": [t.pk for t in term.related_terms.all()],
        "services": [s.pk for s in term.services.all()],
        "technologies": [],
        "tags": ", ".join(sorted(term.tags.names())),
        "status": term.status,
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "auto_link": "on",
    }
    return {**data, **changes}


@pytest.fixture
def live_term():
    term = make_term(
        name="Foundation Model",
        slug="foundation-model",
        short_definition="The published definition.",
        body="The published body.",
        tags=["llm"],
    )
    term.services.add(make_service(title="Cloud Audit"))
    return term


@pytest.fixture
def drafted(editor_client, live_term):
    """The live term with a draft: a new definition, body, service and tag."""
    extra = make_service(title="Model Training")
    data = form_data(
        live_term,
        short_definition="The drafted definition.",
        body="The **drafted** body.",
        services=[extra.pk, *live_term.services.values_list("pk", flat=True)],
        tags="llm, research",
        _save_draft="Save as draft",
    )
    response = editor_client.post(admin_url(live_term, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return live_term


def test_saving_a_draft_leaves_the_live_page_and_row_unchanged(drafted):
    term = Term.objects.get(pk=drafted.pk)
    assert term.short_definition == "The published definition."
    assert [s.title for s in term.services.all()] == ["Cloud Audit"]
    page = Client().get(term.get_absolute_url()).content.decode()
    assert "The published definition." in page
    assert "drafted" not in page
    assert Draft.objects.count() == 1


def test_saving_a_draft_keeps_no_revision_of_the_live_content(editor_client, live_term):
    save_in_admin(editor_client, live_term)
    before = Version.objects.get_for_object(live_term).count()
    editor_client.post(
        admin_url(live_term, "change"),
        form_data(live_term, body="Draft only.", _save_draft="Save as draft"),
    )
    assert Version.objects.get_for_object(live_term).count() == before


def test_the_change_form_shows_the_draft_and_since_when(editor_client, drafted):
    response = editor_client.get(admin_url(drafted, "change"))
    html = response.content.decode()
    assert "Unpublished changes since" in html
    assert "The drafted definition." in html
    assert admin_url(drafted, "draft_preview") in html
    assert admin_url(drafted, "draft_discard") in html
    form = response.context["adminform"].form
    assert form["tags"].value() == "llm, research"
    services = form["services"].value()
    assert [Service.objects.get(pk=pk).title for pk in services] == [
        "Model Training",
        "Cloud Audit",
    ]


def test_the_preview_shows_the_draft_as_visitors_would_see_it(editor_client, drafted):
    response = editor_client.get(admin_url(drafted, "draft_preview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The drafted definition." in html
    assert "<strong>drafted</strong>" in html
    assert html.index("Model Training") < html.index("Cloud Audit")
    assert "research" in html
    assert "Preview of unpublished changes" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_only_staff_who_may_change_it_see_the_preview(drafted, sales):
    url = admin_url(drafted, "draft_preview")
    assert Client().get(url).status_code == 302  # to the admin's login
    salesperson = Client()
    salesperson.force_login(sales)
    assert salesperson.get(url).status_code == 404


def test_an_item_without_a_draft_has_no_preview(editor_client, live_term):
    assert editor_client.get(admin_url(live_term, "draft_preview")).status_code == 404


def test_saving_the_form_publishes_the_draft_and_removes_it(editor_client, drafted):
    form = editor_client.get(admin_url(drafted, "change")).context["adminform"].form
    data = form_data(
        drafted,
        short_definition=form["short_definition"].value(),
        body=form["body"].value(),
        services=form["services"].value(),
        tags=form["tags"].value(),
    )
    response = editor_client.post(admin_url(drafted, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Draft.objects.exists()
    page = Client().get(drafted.get_absolute_url()).content.decode()
    assert "The drafted definition." in page
    assert page.index("Model Training") < page.index("Cloud Audit")


def test_discarding_the_draft_keeps_the_live_page(editor_client, drafted):
    response = editor_client.post(admin_url(drafted, "draft_discard"))
    assert response.status_code == 302
    assert not Draft.objects.exists()
    html = editor_client.get(admin_url(drafted, "change")).content.decode()
    assert "Unpublished changes since" not in html
    assert "The published definition." in html
    assert "The published definition." in Client().get(drafted.get_absolute_url()).content.decode()


def test_discarding_needs_a_post(editor_client, drafted):
    assert editor_client.get(admin_url(drafted, "draft_discard")).status_code == 405
    assert Draft.objects.exists()


def test_an_invalid_draft_is_not_kept_and_its_errors_are_shown(editor_client, live_term):
    response = editor_client.post(
        admin_url(live_term, "change"),
        form_data(live_term, short_definition="x" * 301, _save_draft="Save as draft"),
    )
    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_item_has_no_save_as_draft_button(editor_client):
    term = make_term(status=Status.DRAFT)
    assert "_save_draft" not in editor_client.get(admin_url(term, "change")).content.decode()


def test_the_changelist_says_which_items_have_unpublished_changes(editor_client, drafted):
    other = make_term(name="Other")
    changelist = reverse("admin:glossary_term_changelist")
    html = editor_client.get(changelist).content.decode()
    assert "unpublished changes" in html
    with_changes = editor_client.get(changelist, {"unpublished_changes": "yes"})
    assert [t.pk for t in with_changes.context["cl"].result_list] == [drafted.pk]
    without = editor_client.get(changelist, {"unpublished_changes": "no"})
    assert other.pk in [t.pk for t in without.context["cl"].result_list]
    assert drafted.pk not in [t.pk for t in without.context["cl"].result_list]


def test_deleting_an_item_deletes_its_draft(drafted):
    Term.objects.filter(pk=drafted.pk).delete()
    assert not Draft.objects.exists()


def test_the_preview_and_the_change_form_cost_a_fixed_number_of_queries(
    editor_client, live_term, django_assert_num_queries
):
    """Guards against N+1: more related items in the draft cost no more queries."""

    def draft_with(count):
        services = [make_service().pk for _ in range(count)]
        terms = [make_term().pk for _ in range(count)]
        data = form_data(
            live_term, services=services, related_terms=terms, _save_draft="Save as draft"
        )
        assert editor_client.post(admin_url(live_term, "change"), data).status_code == 302

    for count in (1, 6):
        draft_with(count)
        with django_assert_num_queries(PREVIEW_QUERIES):
            assert editor_client.get(admin_url(live_term, "draft_preview")).status_code == 200
        with django_assert_num_queries(CHANGE_FORM_QUERIES):
            assert editor_client.get(admin_url(live_term, "change")).status_code == 200


def test_a_draft_keeps_dates_owners_and_aliases_and_the_preview_shows_them(
    editor_client, editor, live_term
):
    editor.first_name, editor.last_name = "Ada", "Byte"
    editor.save()
    data = form_data(
        live_term,
        aliases="Base Model\nFM",
        owner=editor.pk,
        review_by="2027-03-01",
        _save_draft="Save as draft",
    )
    assert editor_client.post(admin_url(live_term, "change"), data).status_code == 302
    form = editor_client.get(admin_url(live_term, "change")).context["adminform"].form
    assert form["owner"].value() == editor.pk
    assert str(form["review_by"].value()) == "2027-03-01"
    assert form["aliases"].value() == "Base Model\nFM"
    html = editor_client.get(admin_url(live_term, "draft_preview")).content.decode()
    assert "Also known as" in html
    assert "Base Model" in html
    assert "Reviewed by Ada Byte" in html
    assert Term.objects.get(pk=live_term.pk).aliases == ""
    assert "Reviewed by" not in editor_client.get(live_term.get_absolute_url()).content.decode()


@pytest.fixture(params=["service", "technology"])
def drafted_item(request, editor_client):
    """A live service or technology with a draft of a new summary."""
    make = {"service": make_service, "technology": make_technology}[request.param]
    item = make(summary="The published summary.")
    data = form_as_shown(
        editor_client, item, summary="The drafted summary.", _save_draft="Save as draft"
    )
    response = editor_client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return item


def test_a_draft_of_a_service_or_technology_is_previewed_not_published(editor_client, drafted_item):
    drafted_item.refresh_from_db()
    assert drafted_item.summary == "The published summary."
    page = Client().get(drafted_item.get_absolute_url()).content.decode()
    assert "The published summary." in page
    assert "The drafted summary." not in page
    preview = editor_client.get(admin_url(drafted_item, "draft_preview")).content.decode()
    assert "The drafted summary." in preview
    assert "Preview of unpublished changes" in preview


def test_saving_a_service_or_technology_publishes_its_draft(editor_client, drafted_item):
    data = form_as_shown(editor_client, drafted_item)
    assert data["summary"] == "The drafted summary."
    assert editor_client.post(admin_url(drafted_item, "change"), data).status_code == 302
    assert not Draft.objects.exists()
    page = Client().get(drafted_item.get_absolute_url()).content.decode()
    assert "The drafted summary." in page


def test_discarding_the_draft_of_a_service_or_technology_keeps_the_live_page(
    editor_client, drafted_item
):
    assert editor_client.post(admin_url(drafted_item, "draft_discard")).status_code == 302
    assert not Draft.objects.exists()
    assert form_as_shown(editor_client, drafted_item)["summary"] == "The published summary."
    page = Client().get(drafted_item.get_absolute_url()).content.decode()
    assert "The published summary." in page
