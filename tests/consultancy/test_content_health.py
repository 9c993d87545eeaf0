"""Content health: each section lists what it should and nothing else, in fixed queries."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultancy.content_health import ROWS_PER_SECTION
from consultancy.models import Draft, Status
from glossary.models import SearchLogEntry, Term
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db

URL = reverse("content_health")


def section(response, key):
    """(count, row labels) of one section of the page."""
    for found, count, rows in response.context["report"]:
        if found.key == key:
            return count, [row.label for row in rows]
    raise AssertionError(f"no section {key}")


def age(item, days):
    """Pretend nobody saved `item` for `days` days."""
    past = timezone.now() - datetime.timedelta(days=days)
    type(item).objects.filter(pk=item.pk).update(updated_at=past)


def test_terms_with_no_service_or_technology_lead_nowhere(editor_client):
    make_term(name="Lonely")
    make_term(name="With Service").services.add(make_service())
    make_term(name="With Technology").technologies.add(make_technology())
    count, labels = section(editor_client.get(URL), "leading-nowhere")
    assert (count, labels) == (1, ["Lonely"])


def review_rows(response):
    return next(rows for found, _, rows in response.context["report"] if found.key == "reviews")


def test_reviews_list_every_term_overdue_first_then_to_come_then_undated(editor_client, editor):
    editor.first_name, editor.last_name = "Ada", "Byte"
    editor.save()
    today = timezone.localdate()
    make_term(name="Later", owner=editor, review_by=today + datetime.timedelta(days=30))
    make_term(name="Soon", review_by=today + datetime.timedelta(days=2))
    make_term(name="Overdue", owner=editor, review_by=today - datetime.timedelta(days=3))
    make_term(name="Long Overdue", review_by=today - datetime.timedelta(days=90))
    make_term(name="Owned Undated", owner=editor)
    make_term(name="Nobody's", status=Status.DRAFT)
    response = editor_client.get(URL)
    count, labels = section(response, "reviews")
    assert count == Term.objects.count() == 6
    assert labels == ["Long Overdue", "Overdue", "Soon", "Later", "Nobody's", "Owned Undated"]
    notes = {row.label: row.note for row in review_rows(response)}
    assert notes["Overdue"].startswith("Owner: Ada Byte")
    assert "overdue by 3 days" in notes["Overdue"]
    assert "overdue by 90 days" in notes["Long Overdue"]
    assert "overdue" not in notes["Later"]
    assert notes["Nobody's"] == "no owner, no review date"
    assert notes["Owned Undated"] == "Owner: Ada Byte · no review date"


def test_reviews_show_the_first_rows_and_count_every_term(editor_client):
    today = timezone.localdate()
    for i in range(ROWS_PER_SECTION + 5):
        make_term(name=f"Undated {i:03}")
    make_term(name="Zz Overdue", review_by=today - datetime.timedelta(days=1))
    response = editor_client.get(URL)
    count, labels = section(response, "reviews")
    assert count == ROWS_PER_SECTION + 6
    assert len(labels) == ROWS_PER_SECTION
    assert labels[0] == "Zz Overdue"
    assert f"The first {ROWS_PER_SECTION} of {ROWS_PER_SECTION + 6}, and 6 more" in (
        response.content.decode()
    )


def test_drafts_untouched_for_a_month_and_old_unpublished_changes(editor_client, editor):
    old_draft = make_term(name="Old Draft", status=Status.DRAFT)
    age(old_draft, 31)
    make_term(name="Fresh Draft", status=Status.DRAFT)
    old_service = make_service(title="Old Service Draft", status=Status.DRAFT)
    age(old_service, 40)
    live = make_term(name="Live")
    Draft.objects.create(item=live, data={})
    Draft.objects.filter().update(updated_at=timezone.now() - datetime.timedelta(days=35))
    count, labels = section(editor_client.get(URL), "untouched-drafts")
    assert count == 3
    assert set(labels) == {"Old Draft", "Old Service Draft", f"Glossary term #{live.pk}"}


def test_seo_fields_missing_or_too_long(editor_client):
    make_term(name="Fine", seo_title="A fine title", meta_description="A fine description.")
    make_term(name="No Title", meta_description="A fine description.")
    make_term(name="Long", seo_title="x" * 61, meta_description="A fine description.")
    make_term(name="Long Fallback", seo_title="Fine", short_definition="y" * 200)
    response = editor_client.get(URL)
    _, titles = section(response, "seo-titles")
    _, descriptions = section(response, "meta-descriptions")
    assert "Fine" not in titles
    assert {"No Title", "Long"} <= set(titles)
    assert "Fine" not in descriptions
    assert "Long Fallback" in descriptions


def test_the_page_is_for_editors_and_linked_from_the_admin_home(editor_client, sales):
    assert editor_client.get(URL).status_code == 200
    assert URL in editor_client.get(reverse("admin:index")).content.decode()
    salesperson = Client()
    salesperson.force_login(sales)
    assert salesperson.get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login


def test_a_term_page_says_who_reviewed_it_when_the_owner_has_a_name(client, editor):
    term = make_term(owner=editor)
    assert "Reviewed by" not in client.get(term.get_absolute_url()).content.decode()
    User.objects.filter(pk=editor.pk).update(first_name="Ada", last_name="Byte")
    Term.objects.get(pk=term.pk).save()  # a change, so the cached page is stale
    page = client.get(term.get_absolute_url()).content.decode()
    assert f"Reviewed by Ada Byte, {timezone.now():%B %Y}" in page


# 4 for the session, the user and their permissions; then one query per
# section, and per kind for the sections every kind shares: old drafts (3
# kinds and the drafts of live items), SEO titles (3), meta descriptions
# (3), terms leading nowhere (1), orphans (1), reviews (1), mentions of draft
# terms (the drafts, then 3 kinds), broken links (3 kinds), and the two
# search lists (2 each). The README promises this figure.
HEALTH_QUERIES = 28
# Every section's key, so that a section added later must be filled here too.
SECTIONS = {
    "leading-nowhere",
    "orphans",
    "reviews",
    "untouched-drafts",
    "draft-mentions",
    "broken-links",
    "seo-titles",
    "meta-descriptions",
    "searches-not-found",
    "searches",
}


def fill_every_section(n, searches):
    """`n` rows (at least) in every section, and `searches` different searches of each sort."""
    today = timezone.localdate()
    for i in range(n):
        tag = f"{n}x{i}"
        # A published term with no service, link or SEO fields: leads
        # nowhere, an orphan, SEO problems; overdue for review.
        make_term(name=f"Alone {tag}", review_by=today - datetime.timedelta(days=3))
        draft_name = f"Draftword{n}q{i}"
        make_term(name=draft_name, status=Status.DRAFT)
        for maker, field in ((make_term, "name"), (make_service, "title")):
            maker(**{field: f"Mentioner {tag}", "body": f"About {draft_name} here."})
        for maker, field in (
            (make_term, "name"),
            (make_service, "title"),
            (make_technology, "name"),
        ):
            maker(**{field: f"Broken {tag}", "body": f"See [gone](/nowhere/{tag}/)."})
            age(maker(**{field: f"Old draft {tag}", "status": Status.DRAFT}), 40)
    for i in range(searches):
        query = f"query {n} {i}"
        SearchLogEntry.objects.create(query=query, day=today, count=2, results=0)
        SearchLogEntry.objects.create(query=f"found {query}", day=today, count=1, results=1)


def counts(response):
    return {found.key: count for found, count, _ in response.context["report"]}


def test_the_page_runs_the_same_queries_with_every_section_full_at_two_sizes(
    editor_client, django_assert_num_queries
):
    """Guards against a query per row or per kind found: a full page costs what one row does."""
    editor_client.get(URL)  # the session and permissions, read once
    fill_every_section(1, searches=51)
    with django_assert_num_queries(HEALTH_QUERIES):
        response = editor_client.get(URL)
    small = counts(response)
    assert set(small) == SECTIONS
    assert all(small.values()), small
    assert small["searches"] > ROWS_PER_SECTION
    assert small["searches-not-found"] > ROWS_PER_SECTION
    fill_every_section(4, searches=60)
    with django_assert_num_queries(HEALTH_QUERIES):
        response = editor_client.get(URL)
    assert all(counts(response)[key] > small[key] for key in SECTIONS)


def test_the_page_runs_the_same_queries_with_every_section_empty(
    editor_client, django_assert_num_queries
):
    """Guards against sections that skip their queries when there is nothing to read."""
    editor_client.get(URL)
    with django_assert_num_queries(HEALTH_QUERIES):
        response = editor_client.get(URL)
    assert not any(counts(response).values())


def test_the_page_runs_the_same_queries_at_ten_thousand_terms(
    editor_client, django_assert_num_queries
):
    """Guards against a query per row: the benchmark corpus costs what one term does."""
    fill_every_section(1, searches=51)
    editor_client.get(URL)  # the session and permissions, read once
    with django_assert_num_queries(HEALTH_QUERIES):
        editor_client.get(URL)
    call_command("generate_content", "--terms", "10000", "--seed", "1", verbosity=0)
    Term.objects.update(review_by=timezone.localdate())
    with django_assert_num_queries(HEALTH_QUERIES):
        response = editor_client.get(URL)
    assert all(counts(response).values())
    count, labels = section(response, "reviews")
    assert count == Term.objects.count()
    assert len(labels) == ROWS_PER_SECTION


def test_orphans_are_terms_no_other_page_leads_to(editor_client):
    orphan = make_term(name="Orphan")
    mentioned = make_term(name="Mentioned")
    make_service(body="We use Mentioned daily.")
    related = make_term(name="Related")
    make_term(name="Chooser").related_terms.add(related)
    listed = make_term(name="Listed")
    listed.services.add(make_service())
    _, labels = section(editor_client.get(URL), "orphans")
    assert orphan.name in labels
    assert not {mentioned.name, related.name, listed.name} & set(labels)


def test_orphans_count_links_so_a_term_never_auto_linked_needs_a_hand_made_one(editor_client):
    unlinked = make_term(name="Widget", slug="widget", linkable=False)
    make_service(body="A widget, and a {nolink}Gadget{/nolink}.")
    make_term(name="Gadget")
    make_term(name="Notes", body="A Gadget too.", auto_link=False)
    response = editor_client.get(URL)
    _, labels = section(response, "orphans")
    assert {"Widget", "Gadget"} <= set(labels)
    assert "judged by hand-made links only" in section_html(response, "orphans")
    make_technology(body="See [the widget](/glossary/widget/).")
    _, labels = section(editor_client.get(URL), "orphans")
    assert unlinked.name not in labels


def test_published_text_naming_a_draft_term_is_listed(editor_client):
    make_term(name="Quantum Widget", status=Status.DRAFT)
    make_service(title="Widgets", body="Our quantum widget practice.")
    make_service(title="Other", body="Nothing to see.")
    response = editor_client.get(URL)
    count, labels = section(response, "draft-mentions")
    assert (count, labels) == (1, ["Widgets"])
    (row,) = next(
        rows for found, _, rows in response.context["report"] if found.key == "draft-mentions"
    )
    assert row.note == "names the draft term “Quantum Widget”"


def test_a_draft_term_counts_as_a_whole_word_not_inside_another(editor_client):
    make_term(name="RAG", status=Status.DRAFT)
    make_service(title="Storage", body="We sell storage and fragments.")
    make_technology(name="Rags", body="Our RAGs pipelines.")  # a plural, as linking reads it
    assert section(editor_client.get(URL), "draft-mentions") == (1, ["Rags"])


def test_a_draft_terms_abbreviation_counts_as_written(editor_client):
    make_term(name="Retrieval Thing", abbreviation="RAGX", status=Status.DRAFT)
    make_service(title="Does", body="We do RAGX.")
    make_service(title="Lower", body="We do ragx.")  # abbreviations match case, as links do
    response = editor_client.get(URL)
    assert section(response, "draft-mentions") == (1, ["Does"])


def test_a_draft_term_set_to_match_case_counts_only_as_written(editor_client):
    make_term(name="DES", match_case=True, status=Status.DRAFT)
    make_service(title="Cipher", body="Legacy DES encryption.")
    make_service(title="French", body="Le musée des arts.")
    assert section(editor_client.get(URL), "draft-mentions") == (1, ["Cipher"])


def test_a_draft_terms_alias_counts(editor_client):
    make_term(name="Call To Action", aliases="CTA", status=Status.DRAFT)
    make_technology(name="Buttons", body="Every page ends with CTAs.")
    make_technology(name="Music", body="An octave higher.")  # "cta" inside a word
    response = editor_client.get(URL)
    assert section(response, "draft-mentions") == (1, ["Buttons"])
    (row,) = next(
        rows for found, _, rows in response.context["report"] if found.key == "draft-mentions"
    )
    assert row.note == "names the draft term “Call To Action”"


def test_a_draft_term_that_is_never_linked_is_not_looked_for(editor_client):
    make_term(name="Widget", linkable=False, status=Status.DRAFT)
    make_service(body="A widget.")
    assert section(editor_client.get(URL), "draft-mentions") == (0, [])


def test_links_to_missing_or_unpublished_pages_are_listed(editor_client):
    make_term(name="Here", slug="here")
    make_term(name="Hidden", slug="hidden", status=Status.DRAFT)
    make_technology(name="Fine", body="See [here](/glossary/here/).")
    make_technology(
        name="Broken", body="See [hidden](/glossary/hidden/) and [x](/nowhere/at/all/)."
    )
    response = editor_client.get(URL)
    count, labels = section(response, "broken-links")
    assert (count, labels) == (2, ["Broken", "Broken"])
    notes = [
        r.note for f, _, rows in response.context["report"] for r in rows if f.key == "broken-links"
    ]
    assert "links to /glossary/hidden/: not published, or gone" in notes
    assert "links to /nowhere/at/all/: nothing answers it" in notes


def test_the_search_lists_show_the_most_frequent_searches(editor_client):
    today = timezone.localdate()
    SearchLogEntry.objects.create(query="vector", day=today, count=5, results=3)
    SearchLogEntry.objects.create(query="quantum toast", day=today, count=2, results=0)
    SearchLogEntry.objects.create(
        query="long ago", day=today - datetime.timedelta(days=40), count=9, results=0
    )
    response = editor_client.get(URL)
    assert section(response, "searches") == (2, ["vector", "quantum toast"])
    assert section(response, "searches-not-found") == (1, ["quantum toast"])


def section_html(response, key):
    page = response.content.decode()
    start = page.index(f'<section class="module" id="{key}"')
    return page[start : page.index("</section>", start)]


def change_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def test_each_sections_rows_link_to_where_they_are_fixed(editor_client):
    alone = make_term(name="Alone", review_by=timezone.localdate() - datetime.timedelta(days=3))
    make_term(name="Draftword", status=Status.DRAFT)
    mentioner = make_service(title="Mentioner", body="About Draftword.")
    broken = [
        make_term(name="Broken Term", body="See [gone](/nowhere/)."),
        make_service(title="Broken Service", body="See [gone](/nowhere/)."),
        make_technology(name="Broken Technology", body="See [gone](/nowhere/)."),
    ]
    old = make_service(title="Old Draft", status=Status.DRAFT)
    age(old, 40)
    live = make_technology(name="Live")
    Draft.objects.create(item=live, data={})
    Draft.objects.update(updated_at=timezone.now() - datetime.timedelta(days=35))
    SearchLogEntry.objects.create(query="toast", day=timezone.localdate(), count=1, results=0)
    response = editor_client.get(URL)
    expected = {
        "leading-nowhere": [alone],
        "orphans": [alone],
        "reviews": [alone],
        "seo-titles": [alone],
        "meta-descriptions": [alone],
        "untouched-drafts": [old],
        "draft-mentions": [mentioner],
        "broken-links": broken,
    }
    for key, items in expected.items():
        html = section_html(response, key)
        for item in items:
            assert f'<a href="{change_url(item)}">{item}</a>' in html, (key, item)
    live_draft = f'<a href="{change_url(live)}">Technology #{live.pk}</a>'
    assert live_draft in section_html(response, "untouched-drafts")
    search = f'<a href="{reverse("glossary:term_list")}?q=toast">toast</a>'
    for key in ("searches", "searches-not-found"):
        assert search in section_html(response, key), key
