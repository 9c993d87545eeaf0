"""
Issue 11's editing aids, as an editor meets them in Chromium: the short
definition counted as it is typed, the body previewed, the search result shown.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_editor_sees_the_count_the_preview_and_the_search_result_as_they_type(editor_page, site):
    page = editor_page
    page.goto(reverse("admin:glossary_term_change", args=[site.term.pk]))

    definition = page.get_by_label("Short definition")
    definition.fill("A model that predicts the next token.")
    expect(page.get_by_text("37 / 300 characters")).to_be_visible()
    definition.fill("x" * 310)
    expect(page.get_by_text("310 / 300 characters: 10 too many")).to_be_visible()

    page.get_by_role("textbox", name="In depth").fill("## How it works\n\nIt reads **tokens**.")
    preview = page.locator(".editing-preview__body")
    expect(preview.locator("h3")).to_have_text("How it works")
    expect(preview.locator("strong")).to_have_text("tokens")

    page.get_by_text("SEO", exact=True).click()  # the collapsed fieldset
    page.get_by_label("SEO title").fill("What is an LLM?")
    expect(page.locator(".editing-serp__title")).to_have_text("What is an LLM?")
