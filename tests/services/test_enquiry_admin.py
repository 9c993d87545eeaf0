"""Sales in the admin: who may see enquiries, the changelist, actions, CSV and the report."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services.models import Enquiry, EnquiryStatus, NotificationStatus, SpamReason
from tests.factories import make_enquiry, make_service, make_technology, make_term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

CHANGELIST = reverse("admin:services_enquiry_changelist")
REPORT = reverse("admin:services_enquiry_leads_by_page")


def change_url(enquiry):
    return reverse("admin:services_enquiry_change", args=[enquiry.pk])


def run_action(client, action, enquiries, capture=None, **extra):
    data = {"action": action, "_selected_action": [e.pk for e in enquiries], **extra}
    if capture is None:
        return client.post(CHANGELIST, data)
    with capture(execute=True):
        return client.post(CHANGELIST, data)


# --- Permissions ------------------------------------------------------------------


def test_sales_group_may_view_and_change_enquiries_and_editors_nothing():
    def codenames(group):
        return set(
            Permission.objects.filter(group__name=group, content_type__model="enquiry").values_list(
                "codename", flat=True
            )
        )

    assert codenames("Sales") == {"view_enquiry", "change_enquiry"}
    assert codenames("Editors") == set()
    assert Group.objects.filter(name="Editors").exists()


@pytest.mark.parametrize("url", [CHANGELIST, REPORT])
def test_sales_can_open_the_changelist_and_the_report(sales_client, url):
    make_enquiry()
    assert sales_client.get(url).status_code == 200


def test_sales_can_open_an_enquiry(sales_client):
    assert sales_client.get(change_url(make_enquiry())).status_code == 200


@pytest.mark.parametrize("url", [CHANGELIST, REPORT])
def test_editors_are_refused(editor_client, url):
    make_enquiry()
    assert editor_client.get(url).status_code == 403


def test_editors_cannot_open_an_enquiry_nor_see_it_in_the_index(editor_client):
    assert editor_client.get(change_url(make_enquiry())).status_code == 403
    assert "Enquiries" not in editor_client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("url", [CHANGELIST, REPORT])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_nobody_adds_or_deletes_enquiries_by_hand(sales_client, admin_client):
    enquiry = make_enquiry()
    add_url = reverse("admin:services_enquiry_add")
    assert sales_client.get(add_url).status_code == 403
    assert admin_client.get(add_url).status_code == 403
    delete_url = reverse("admin:services_enquiry_delete", args=[enquiry.pk])
    assert sales_client.get(delete_url).status_code == 403
    actions = [
        name
        for name, _ in sales_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    ]
    assert "delete_selected" not in actions


def test_an_enquiry_a_superuser_deletes_is_logged_by_number_not_by_name(admin_client):
    one, two, three = (make_enquiry(name=name) for name in ("Grace Hopper", "Ada", "Alan"))
    delete_url = reverse("admin:services_enquiry_delete", args=[one.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    selected = {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"}
    assert admin_client.post(CHANGELIST, selected).status_code == 302

    assert not Enquiry.objects.exists()
    deletions = LogEntry.objects.filter(action_flag=DELETION).order_by("object_id")
    assert [entry.object_repr for entry in deletions] == [
        f"Enquiry #{enquiry.pk}" for enquiry in sorted([one, two, three], key=lambda e: str(e.pk))
    ]


def test_superusers_see_enquiries(admin_client):
    make_enquiry()
    assert admin_client.get(CHANGELIST).status_code == 200


# --- The changelist ----------------------------------------------------------------


def make_varied_enquiries(count):
    """`count` enquiries about terms, services, technologies and nothing, one assigned."""
    term, service, technology = make_term(), make_service(), make_technology()
    topics = [term, service, technology, None]
    return [make_enquiry(topic=topics[n % 4]) for n in range(count)]


def test_changelist_queries_do_not_grow_with_rows(sales_client, sales):
    """Guards against N+1: 40 enquiries cost what 4 cost, and at most 12 queries."""
    make_varied_enquiries(4)
    Enquiry.objects.update(assignee=sales)
    with CaptureQueriesContext(connection) as few:
        sales_client.get(CHANGELIST)
    make_varied_enquiries(36)
    Enquiry.objects.update(assignee=sales)
    with CaptureQueriesContext(connection) as many:
        response = sales_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 40
    assert len(many) == len(few)
    assert len(many) <= 12


def test_changelist_shows_the_columns_sales_need(sales_client):
    term = make_term(name="Foundation Model")
    make_enquiry(name="Ada", email="ada@example.com", company="Engines", topic=term)
    content = sales_client.get(CHANGELIST).content.decode()
    assert f'<a href="{term.get_absolute_url()}">Foundation Model</a>' in content
    for text in ("Ada", "ada@example.com", "Engines", "New", " ago</time>"):
        assert text in content
    assert 'href="' + REPORT + '"' in content


def test_topic_title_remains_when_the_page_is_deleted(sales_client):
    term = make_term(name="Gone Term")
    enquiry = make_enquiry(topic=term)
    term.delete()
    enquiry.refresh_from_db()
    assert enquiry.term is None
    assert enquiry.topic_title == "Gone Term"
    assert "Gone Term" in sales_client.get(CHANGELIST).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("status__exact=spam", {"spam"}), ("topic_kind__exact=service", {"service"})],
)
def test_changelist_filters(sales_client, query, expected):
    make_enquiry(topic=make_service())
    make_enquiry(status=EnquiryStatus.SPAM)
    make_enquiry(topic=make_term())
    response = sales_client.get(f"{CHANGELIST}?{query}")
    rows = response.context["cl"].result_list
    assert rows
    values = {row.status if "status" in query else row.topic_kind for row in rows}
    assert values == expected


def test_changelist_filters_by_date(sales_client):
    old = make_enquiry(created_at=timezone.now() - timedelta(days=40))
    new = make_enquiry()
    cl = sales_client.get(CHANGELIST).context["cl"]
    [date_filter] = [
        spec for spec in cl.filter_specs if getattr(spec, "field_path", None) == "created_at"
    ]
    past_week = next(c for c in date_filter.choices(cl) if c["display"] == "Past 7 days")
    response = sales_client.get(CHANGELIST + past_week["query_string"])
    pks = [row.pk for row in response.context["cl"].result_list]
    assert new.pk in pks
    assert old.pk not in pks


@pytest.mark.parametrize("search", ["lovelace", "ENGINES", "ada@example", "tokenizer"])
def test_changelist_search(sales_client, search):
    match = make_enquiry(
        name="Ada Lovelace",
        email="ada@example.com",
        company="Engines",
        message="About the tokenizer",
    )
    make_enquiry()
    response = sales_client.get(CHANGELIST, {"q": search})
    assert [row.pk for row in response.context["cl"].result_list] == [match.pk]


def test_newest_enquiries_come_first():
    older = make_enquiry(created_at=timezone.now() - timedelta(days=1))
    newer = make_enquiry()
    assert list(Enquiry.objects.all()) == [newer, older]


# --- The change page ---------------------------------------------------------------


def test_visitor_data_is_read_only_and_follow_up_is_editable(sales_client, sales):
    enquiry = make_enquiry(name="Ada", message="Original message")
    response = sales_client.get(change_url(enquiry))
    form_fields = set(response.context["adminform"].form.fields)
    assert form_fields == {"status", "assignee", "notes"}

    sales_client.post(
        change_url(enquiry),
        {
            "status": EnquiryStatus.QUALIFIED,
            "assignee": sales.pk,
            "notes": "Call on Monday.",
            "name": "Changed",
            "message": "Changed",
        },
    )
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.assignee, enquiry.notes) == (
        EnquiryStatus.QUALIFIED,
        sales,
        "Call on Monday.",
    )
    assert (enquiry.name, enquiry.message) == ("Ada", "Original message")


def test_html_sent_by_a_visitor_is_shown_escaped_in_the_admin(sales_client):
    script = '<script>alert("x")</script>'
    enquiry = make_enquiry(name=script, company=script, message=script)
    for url in (CHANGELIST, change_url(enquiry)):
        content = sales_client.get(url).content.decode()
        assert script not in content
        assert "&lt;script&gt;" in content


HIDDEN = ["\u202e", "\u2066", "\u200f", "\u200b", "\x1b", "\u2028"]


def test_hidden_characters_in_stored_text_are_spelled_out_in_the_admin(sales_client):
    """A right-to-left override stored before the form refused it must not reorder what sales read."""
    enquiry = make_enquiry(
        name="Jane \u202eelgoog",
        company="ACME\u2066 Ltd",
        message="Hello\u200f \x1b[31mworld\u2028again",
        email='"jane\x1b"@example.com',
    )
    changelist = sales_client.get(CHANGELIST).content.decode()
    change_page = sales_client.get(change_url(enquiry)).content.decode()
    for content in (changelist, change_page):
        assert "Jane [U+202E]elgoog" in content
        assert "ACME[U+2066] Ltd" in content
        assert not any(character in content for character in HIDDEN)
    assert "Hello[U+200F] [U+001B][31mworld[U+2028]again" in change_page
    assert "[U+001B]" in changelist


def test_joiners_are_shown_as_they_are(sales_client):
    enquiry = make_enquiry(name="Ali\u200cReza")
    assert "Ali\u200cReza" in sales_client.get(change_url(enquiry)).content.decode()


def test_assignee_choices_are_active_staff_only(sales_client, sales):
    from django.contrib.auth.models import User

    User.objects.create_user("visitor", "v@example.com", "pw")
    response = sales_client.get(change_url(make_enquiry()))
    choices = response.context["adminform"].form.fields["assignee"].queryset
    assert list(choices) == [sales]


# --- Actions -----------------------------------------------------------------------


def test_mark_contacted(sales_client):
    fresh, won = make_enquiry(), make_enquiry(status=EnquiryStatus.WON)
    response = run_action(sales_client, "mark_contacted", [fresh, won])
    assert response.status_code == 302
    fresh.refresh_from_db()
    won.refresh_from_db()
    assert (fresh.status, won.status) == (EnquiryStatus.CONTACTED, EnquiryStatus.WON)


def test_mark_spam_quarantines_and_cancels_the_notification(sales_client):
    enquiry = make_enquiry()
    run_action(sales_client, "mark_spam", [enquiry])
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.spam_reason) == (EnquiryStatus.SPAM, SpamReason.STAFF)
    assert enquiry.notification_status == NotificationStatus.NOT_NEEDED


def test_not_spam_restores_and_notifies_sales_once(
    sales_client, django_capture_on_commit_callbacks
):
    never_notified = make_enquiry(
        status=EnquiryStatus.SPAM,
        spam_reason=SpamReason.HONEYPOT,
        notification_status=NotificationStatus.NOT_NEEDED,
    )
    already_notified = make_enquiry(
        status=EnquiryStatus.SPAM,
        spam_reason=SpamReason.STAFF,
        notification_status=NotificationStatus.SENT,
        notified_at=timezone.now(),
        notification_attempts=1,
    )
    run_action(
        sales_client,
        "mark_not_spam",
        [never_notified, already_notified],
        capture=django_capture_on_commit_callbacks,
    )
    never_notified.refresh_from_db()
    already_notified.refresh_from_db()
    assert (never_notified.status, never_notified.spam_reason) == (EnquiryStatus.NEW, "")
    assert never_notified.notification_status == NotificationStatus.SENT
    assert already_notified.status == EnquiryStatus.NEW
    assert len(mail.outbox) == 1
    assert never_notified.name in mail.outbox[0].subject


def test_resend_skips_spam(sales_client, django_capture_on_commit_callbacks):
    spam = make_enquiry(status=EnquiryStatus.SPAM, notification_status="not_needed")
    response = run_action(
        sales_client, "resend_notification", [spam], capture=django_capture_on_commit_callbacks
    )
    assert not mail.outbox
    assert response.status_code == 302


def test_csv_export_has_every_column_and_defuses_formulas(sales_client):
    term = make_term(name="Foundation Model")
    dangerous = make_enquiry(
        name='=HYPERLINK("http://evil.example")',
        company="+cmd",
        message="-2+3\nsecond line, with comma",
        notes="@SUM(A1)",
        topic=term,
        page_url=term.get_absolute_url(),
        utm_source="newsletter",
    )
    plain = make_enquiry(name="Grace Hopper", email="grace@example.com")

    response = run_action(sales_client, "export_csv", [dangerous, plain])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="enquiries-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["id"] for row in rows] == [str(plain.pk), str(dangerous.pk)]
    row = rows[1]
    assert row["name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["company"] == "'+cmd"
    assert row["message"] == "'-2+3\nsecond line, with comma"
    assert row["notes"] == "'@SUM(A1)"
    assert row["topic"] == "Foundation Model"
    assert row["topic type"] == "term"
    assert row["source page"] == term.get_absolute_url()
    assert row["utm source"] == "newsletter"
    assert row["status"] == "new"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", row["received"])
    assert rows[0]["email"] == "grace@example.com"


def test_csv_export_spells_out_hidden_characters(sales_client):
    enquiry = make_enquiry(
        name="Jane \u202eelgoog", company="\u2066=cmd", message="a\u200fb\nc\x1bd"
    )
    response = run_action(sales_client, "export_csv", [enquiry])
    content = response.content.decode()
    assert not any(character in content for character in HIDDEN)
    [row] = csv.DictReader(io.StringIO(content))
    assert row["name"] == "Jane [U+202E]elgoog"
    assert row["company"] == "[U+2066]=cmd"
    assert row["message"] == "a[U+200F]b\nc[U+001B]d"


def test_editors_cannot_run_actions(editor_client):
    enquiry = make_enquiry()
    response = run_action(editor_client, "export_csv", [enquiry])
    assert response.status_code == 403


# --- Leads by page -----------------------------------------------------------------


def test_leads_by_page_counts_genuine_enquiries_per_page_and_week(sales_client):
    now = timezone.now()
    term = make_term(name="Foundation Model")
    for _ in range(3):
        make_enquiry(topic=term, page_url=term.get_absolute_url())
    make_enquiry(page_url="/services/rag/", created_at=now - timedelta(weeks=1))
    make_enquiry(page_url="/services/rag/", status=EnquiryStatus.SPAM)
    make_enquiry(page_url="/too-old/", created_at=now - timedelta(weeks=30))

    response = sales_client.get(REPORT)
    report = response.context["report"]

    assert len(report.weeks) == 8
    pages = {page.page_url: page for page in report.pages}
    assert set(pages) == {term.get_absolute_url(), "/services/rag/"}
    assert pages[term.get_absolute_url()].total == 3
    assert pages[term.get_absolute_url()].counts[-1] == 3
    assert pages[term.get_absolute_url()].title == "Foundation Model"
    assert pages["/services/rag/"].counts[-2] == 1
    assert report.total == 4
    assert report.week_totals[-1] == 3

    content = response.content.decode()
    assert "<svg" in content
    assert "<rect" in content
    assert "style=" not in content.split('id="content-main"')[1]
    assert "<script" not in content.split('id="content-main"')[1]
    assert "Foundation Model" in content


PLANTED_SOURCES = [
    "/\\evil.example/",
    "//evil.example/",
    "/\\\\evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "/\tevil",
]


def test_leads_by_page_links_only_paths_on_this_site(sales_client):
    """A planted source page such as "/\\evil.example/" used to become a link to that host."""
    make_enquiry(page_url="/services/rag/")
    for planted in PLANTED_SOURCES:
        make_enquiry(page_url=planted)

    content = sales_client.get(REPORT).content.decode().split('id="content-main"')[1]
    links = re.findall(r'<a href="([^"]*)"', content)
    assert links == ["/services/rag/"]
    # Shown as text, escaped, so that sales still see what was recorded.
    assert "//evil.example/" in content
    assert "javascript:alert(1)" in content


def test_leads_by_page_period_can_be_chosen_and_is_bounded(sales_client):
    make_enquiry(page_url="/a/")
    assert len(sales_client.get(REPORT, {"weeks": "26"}).context["report"].weeks) == 26
    assert len(sales_client.get(REPORT, {"weeks": "9999"}).context["report"].weeks) == 52
    assert len(sales_client.get(REPORT, {"weeks": "nonsense"}).context["report"].weeks) == 8


def test_leads_by_page_queries_do_not_grow_with_enquiries(sales_client):
    """Guards against N+1: one grouped query, whatever the number of enquiries."""
    for n in range(3):
        make_enquiry(page_url=f"/p{n}/")
    with CaptureQueriesContext(connection) as few:
        sales_client.get(REPORT)
    for n in range(30):
        make_enquiry(page_url=f"/q{n}/")
    with CaptureQueriesContext(connection) as many:
        sales_client.get(REPORT)
    assert len(many) == len(few)


def test_sales_see_a_hundred_enquiries_a_page(sales_client):
    for _ in range(101):
        make_enquiry()
    first = sales_client.get("/admin/services/enquiry/")
    second = sales_client.get("/admin/services/enquiry/?p=2")
    assert first.content.decode().count('name="_selected_action"') == 100
    assert second.content.decode().count('name="_selected_action"') == 1
