"""
The visitor's journey: the pages read in this visit, kept in sessionStorage by
static/js/journey.js and sent with the contact form; nothing without JavaScript.
"""

import time

import pytest
from playwright.sync_api import expect

from services.models import Enquiry
from tests.browser.site_pages import PAGES, open_path, path_pattern, send_contact_form

pytestmark = pytest.mark.browser


def read_three_pages_then_enquire(page, site):
    for path in (
        site.term.get_absolute_url(),
        site.service.get_absolute_url(),
        site.technology.get_absolute_url(),
    ):
        open_path(page, path)
    open_path(page, PAGES["contact"])
    send_contact_form(page, shown_at=time.monotonic())
    expect(page).to_have_url(path_pattern("/contact/thanks/"))
    return Enquiry.objects.genuine().get(email="ada@example.com")


def test_the_three_pages_read_are_sent_with_the_form_in_order(site, page):
    enquiry = read_three_pages_then_enquire(page, site)

    assert [step["path"] for step in enquiry.journey] == [
        site.term.get_absolute_url(),
        site.service.get_absolute_url(),
        site.technology.get_absolute_url(),
    ]
    # Titles are the pages' headings ("Large Language Model (LLM)").
    titles = [step["title"] for step in enquiry.journey]
    for title, item in zip(titles, (site.term, site.service, site.technology), strict=True):
        assert title.startswith(str(item))
    # Sent: the browser starts a new journey for a next enquiry in this visit.
    assert page.evaluate("sessionStorage.getItem('halyard.journey')") == "[]"


def test_query_strings_never_enter_the_journey(site, page):
    open_path(page, "/?utm_source=mail&email=ada%40example.com")
    open_path(page, site.term.get_absolute_url())
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('halyard.journey'))")
    assert [step["path"] for step in stored] == ["/", site.term.get_absolute_url()]


def test_without_javascript_the_journey_is_empty_and_the_source_page_stays(site, new_context):
    page = new_context(java_script_enabled=False).new_page()
    enquiry = read_three_pages_then_enquire(page, site)
    assert enquiry.journey == []
