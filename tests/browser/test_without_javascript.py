"""The public pages work fully with JavaScript switched off."""

import re
import time

import pytest
from playwright.sync_api import expect

from services.models import Enquiry
from tests.browser.site_pages import (
    LINKED_TERM_NAME,
    PAGES,
    TERM_NAME,
    TERM_SLUG,
    contact_form,
    open_path,
    path_pattern,
    send_contact_form,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(new_context):
    return new_context(java_script_enabled=False).new_page()


def term_entry(page, name):
    return page.get_by_role("link", name=re.compile(rf"^{re.escape(name)}\b"))


def test_search_from_the_glossary_index(site, page):
    open_path(page, PAGES["glossary-index"])
    search = page.get_by_role("search")
    search.get_by_label("Search the glossary").fill("model")
    search.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/glossary/\?q=model$"))
    expect(
        page.get_by_role("heading", name=re.compile(r"\d+ results? for .model."))
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(term_entry(main, TERM_NAME)).to_be_visible()
    expect(term_entry(main, LINKED_TERM_NAME)).to_be_visible()
    expect(term_entry(main, "Transformer")).to_have_count(0)


def test_follow_a_letter_link(site, page):
    open_path(page, PAGES["glossary-index"])
    page.get_by_role("navigation", name="Glossary by letter").get_by_role(
        "link", name="F", exact=True
    ).click()

    expect(page).to_have_url(path_pattern("/glossary/letter/f/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\bF\b"))
    main = page.get_by_role("main")
    expect(term_entry(main, LINKED_TERM_NAME)).to_be_visible()
    expect(term_entry(main, "Fine-Tuning")).to_be_visible()
    expect(term_entry(main, TERM_NAME)).to_have_count(0)


def test_get_in_touch_from_a_term_page_names_the_term(site, page):
    open_path(page, PAGES["term"])
    call_to_action = page.get_by_role("region", name=f"Need Help With {TERM_NAME}?")
    call_to_action.get_by_role("link", name="Get in Touch").click()

    expect(page).to_have_url(re.compile(rf"/contact/\?topic=term(:|%3A){TERM_SLUG}$"))
    expect(page.get_by_role("main")).to_contain_text(f"About: {TERM_NAME}")
    expect(contact_form(page)).to_be_visible()


def test_send_the_contact_form(site, page):
    open_path(page, PAGES["contact-about-term"])
    # The form refuses anything sent sooner than a person could have typed it.
    send_contact_form(page, shown_at=time.monotonic(), Company="Analytical Engines Ltd")

    expect(page).to_have_url(path_pattern("/contact/thanks/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("thank", re.I))
    # A bot would see the same page, so make sure this was taken as a real enquiry.
    enquiry = Enquiry.objects.not_spam().get(email="ada@example.com")
    assert enquiry.name == "Ada Lovelace"
    assert enquiry.term == site.term
