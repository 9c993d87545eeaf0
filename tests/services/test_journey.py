"""What the visitor read: the journey sent with the form, cleaned, shown to sales, credited."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from services.journey import JOURNEY_MAX_PAGES, TITLE_MAX_LENGTH, clean_journey
from services.models import Enquiry, EnquiryStatus
from tests.factories import make_enquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

REPORT = reverse("admin:services_enquiry_leads_by_page")


def journey(*paths):
    return json.dumps([{"path": path, "title": f"Page {path}"} for path in paths])


def test_journey_sent_with_the_form_is_stored_in_order(send_enquiry, enquiry_form_data):
    pages = journey("/glossary/", "/glossary/rag/", "/services/ai-strategy/")
    response = send_enquiry(enquiry_form_data(journey=pages))
    assert response.status_code == 302
    assert Enquiry.objects.get().journey == [
        {"path": "/glossary/", "title": "Page /glossary/"},
        {"path": "/glossary/rag/", "title": "Page /glossary/rag/"},
        {"path": "/services/ai-strategy/", "title": "Page /services/ai-strategy/"},
    ]


def test_journey_keeps_the_last_ten_pages(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(journey=journey(*(f"/glossary/t{n}/" for n in range(25)))))
    stored = Enquiry.objects.get().journey
    assert len(stored) == JOURNEY_MAX_PAGES
    assert stored[0]["path"] == "/glossary/t15/"
    assert stored[-1]["path"] == "/glossary/t24/"


def test_without_javascript_there_is_no_journey_and_the_source_page_as_today(
    send_enquiry, enquiry_form_data, site
):
    term, _, _ = site
    send_enquiry(enquiry_form_data(source=f"http://testserver{term.get_absolute_url()}"))
    enquiry = Enquiry.objects.get()
    assert enquiry.journey == []
    assert enquiry.page_url == term.get_absolute_url()


@pytest.mark.parametrize(
    "junk",
    [
        "not json",
        '{"path": "/a/"}',
        "[1, 2, 3]",
        "null",
        "[" * 5000,
        json.dumps([{"path": "/a/"}] * 2000),
    ],
)
def test_junk_journey_is_ignored_and_the_form_still_goes(send_enquiry, enquiry_form_data, junk):
    response = send_enquiry(enquiry_form_data(journey=junk))
    assert response.status_code == 302
    assert Enquiry.objects.get().journey == []


def test_only_local_paths_are_kept_and_query_strings_dropped():
    raw = json.dumps(
        [
            {"path": "https://evil.example/", "title": "Off site"},
            {"path": "//evil.example/x/", "title": "Protocol-relative"},
            {"path": "javascript:alert(1)", "title": "Script"},
            {"path": "relative/path/", "title": "Relative"},
            {"path": "/glossary/?email=ada@example.com#top", "title": "With a query"},
            {"path": "/a\u0000b/", "title": "Control character"},
            {"path": 42, "title": "Not text"},
            {"path": "/services/", "title": "x" * 1000},
            "a string",
        ]
    )
    assert clean_journey(raw) == [
        {"path": "/glossary/", "title": "With a query"},
        {"path": "/services/", "title": "x" * TITLE_MAX_LENGTH},
    ]


def test_sales_see_the_journey_on_the_enquiry_page(sales_client):
    enquiry = make_enquiry(
        journey=[
            {"path": "/glossary/rag/", "title": "Retrieval-augmented generation"},
            {"path": "/services/ai-strategy/", "title": "AI strategy"},
        ]
    )
    content = sales_client.get(
        reverse("admin:services_enquiry_change", args=[enquiry.pk])
    ).content.decode()
    listing = content.split('<ol class="enquiry-journey">')[1].split("</ol>")[0]
    assert '<a href="/glossary/rag/">Retrieval-augmented generation</a>' in listing
    assert listing.index("/glossary/rag/") < listing.index("/services/ai-strategy/")


def test_sales_see_when_no_journey_was_recorded(sales_client):
    enquiry = make_enquiry()
    content = sales_client.get(
        reverse("admin:services_enquiry_change", args=[enquiry.pk])
    ).content.decode()
    assert "none recorded: sent without JavaScript" in content


def test_the_email_to_sales_lists_the_pages_read(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(journey=journey("/glossary/", "/services/ai-strategy/")))
    body = mail.outbox[0].body
    assert "Pages read before writing" in body
    assert "1. Page /glossary/ /glossary/" in body
    assert "2. Page /services/ai-strategy/ /services/ai-strategy/" in body


# --- Assists in Leads by page --------------------------------------------------------


def pages_read(*paths):
    return [{"path": path, "title": f"Title of {path}"} for path in paths]


def test_leads_by_page_credits_each_page_read_as_an_assist(sales_client):
    make_enquiry(page_url="/services/rag/", journey=pages_read("/glossary/", "/services/rag/"))
    make_enquiry(
        page_url="/services/agents/",
        journey=pages_read("/glossary/", "/services/rag/", "/glossary/", "/services/agents/"),
    )
    make_enquiry(page_url="/services/rag/")
    # Neither spam nor held enquiries are credited.
    make_enquiry(page_url="/x/", journey=pages_read("/glossary/"), status=EnquiryStatus.SPAM)
    make_enquiry(page_url="/x/", journey=pages_read("/glossary/"), status=EnquiryStatus.HELD)
    make_enquiry(
        page_url="/x/",
        journey=pages_read("/glossary/"),
        created_at=timezone.now() - timedelta(weeks=30),
    )

    response = sales_client.get(REPORT)
    report = response.context["report"]
    pages = {page.page_url: page for page in report.pages}

    assert (pages["/services/rag/"].total, pages["/services/rag/"].assists) == (2, 1)
    assert (pages["/services/agents/"].total, pages["/services/agents/"].assists) == (1, 0)
    # A page that only assisted is listed too, once per enquiry.
    assert (pages["/glossary/"].total, pages["/glossary/"].assists) == (0, 2)
    assert pages["/glossary/"].title == "Title of /glossary/"
    assert report.assists == 3
    assert "/x/" not in pages
    assert '<th scope="col"><abbr' in response.content.decode()


# The admin's own (session, user, permissions), the grouped counts, and the
# journeys in one query.
QUERIES_ON_REPORT = 6


def test_leads_by_page_with_assists_costs_a_fixed_number_of_queries(
    sales_client, django_assert_num_queries
):
    """Guards against N+1: journeys are read in one query, whatever their number."""
    make_enquiry(page_url="/a/", journey=pages_read("/b/"))
    sales_client.get(REPORT)
    with django_assert_num_queries(QUERIES_ON_REPORT):
        sales_client.get(REPORT)
    for n in range(30):
        make_enquiry(page_url=f"/p{n}/", journey=pages_read("/b/", f"/q{n}/"))
    with django_assert_num_queries(QUERIES_ON_REPORT):
        report = sales_client.get(REPORT).context["report"]
    assert report.assists == 61


def read_aloud(html):
    """The text a visitor sees in a piece of the page."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_privacy_page_says_the_pages_read_stay_in_the_browser_until_the_form_is_sent(client):
    html = client.get(reverse("privacy")).content.decode()
    [pages_read] = re.findall(r'<li id="pages-read">(.*?)</li>', html, flags=re.DOTALL)
    said = read_aloud(pages_read)
    assert "The pages of this site you read in this visit before writing to us" in said
    assert "Your own browser keeps this list" in said
    assert "sends it with the form" in said
    assert (
        "Nothing about the pages you read reaches us or is stored by us before you send the form"
        in said
    )
    [cookies] = re.findall(r'<h2 id="cookies">.*?</p>', html, flags=re.DOTALL)
    said = read_aloud(cookies)
    assert "it stays in your browser until you send the form" in said
    assert "is never sent with any other request" in said
    assert 'href="#pages-read"' in cookies
