"""
Issue 11's editor journey for drafts of live content and ordered relations,
in Chromium: reorder a published term's related terms by keyboard and by
dragging, change its definition, save all that as a draft (the live page
stays as it was), preview it, publish it; then draft again and discard.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.site_pages import TERM_SLUG

pytestmark = pytest.mark.browser

NEW_DEFINITION = "A model of language, trained on text, that writes text back."


def related_terms(page):
    return page.locator("#related-terms + .card-list a")


def chip(page, name):
    return page.locator("#id_related_terms + .select2 li.select2-selection__choice", has_text=name)


def chips(page):
    return page.locator("#id_related_terms + .select2 li.select2-selection__choice")


def chip_names(page):
    # Each chip reads "×Name" (its remove button first).
    return [text.strip().lstrip("×").strip() for text in chips(page).all_inner_texts()]


def test_an_editor_drafts_reorders_previews_publishes_and_discards(editor_page, new_context, site):
    page = editor_page
    change = reverse("admin:glossary_term_change", args=[site.term.pk])
    page.goto(change)
    assert chip_names(page) == ["Foundation Model", "Tokenization", "Transformer"]

    # By keyboard: Transformer to the front.
    chip(page, "Transformer").focus()
    page.keyboard.press("Alt+ArrowLeft")
    expect(chip(page, "Transformer")).to_be_focused()  # kept on the moved item
    page.keyboard.press("Alt+ArrowLeft")
    assert chip_names(page) == ["Transformer", "Foundation Model", "Tokenization"]
    expect(page.get_by_role("status").filter(has_text="position 1 of 3")).to_be_attached()
    # By dragging: Tokenization onto Foundation Model's place.
    chip(page, "Tokenization").drag_to(chip(page, "Foundation Model"))
    assert chip_names(page) == ["Transformer", "Tokenization", "Foundation Model"]

    page.locator("#id_short_definition").fill(NEW_DEFINITION)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("are saved as a draft")).to_be_visible()
    expect(page.get_by_text("Unpublished changes since")).to_be_visible()
    assert chip_names(page) == ["Transformer", "Tokenization", "Foundation Model"]

    visitor = new_context().new_page()
    visitor.goto(f"/glossary/{TERM_SLUG}/")
    expect(visitor.locator("body")).not_to_contain_text(NEW_DEFINITION)
    expect(related_terms(visitor)).to_have_text(["Foundation Model", "Tokenization", "Transformer"])

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Preview draft").click()
    preview = popup.value
    expect(preview.get_by_text("Preview of unpublished changes")).to_be_visible()
    expect(preview.locator("body")).to_contain_text(NEW_DEFINITION)
    expect(related_terms(preview)).to_have_text(["Transformer", "Tokenization", "Foundation Model"])
    preview.close()

    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text("The unpublished changes are now published.")).to_be_visible()
    expect(page.get_by_text("Unpublished changes since")).to_have_count(0)
    visitor.reload()
    expect(visitor.locator("body")).to_contain_text(NEW_DEFINITION)
    expect(related_terms(visitor)).to_have_text(["Transformer", "Tokenization", "Foundation Model"])

    # A second draft, discarded: the form and the page keep what was published.
    page.locator("#id_short_definition").fill("A definition nobody will read.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#id_short_definition")).to_have_value("A definition nobody will read.")
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_text("The unpublished changes are discarded.")).to_be_visible()
    expect(page.locator("#id_short_definition")).to_have_value(NEW_DEFINITION)
    visitor.reload()
    expect(visitor.locator("body")).to_contain_text(NEW_DEFINITION)
    expect(page).to_have_url(re.compile(re.escape(change) + "$"))
