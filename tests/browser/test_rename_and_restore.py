"""
Issue 11's journey for an editor, in Chromium: rename a term and publish it,
find that its old address leads to the new one, then restore the revision
from before the rename.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.site_pages import TERM_NAME, TERM_SLUG

pytestmark = pytest.mark.browser


def save(page):
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()


def test_an_editor_renames_a_term_the_old_address_follows_and_a_revision_restores_it(
    editor_page, new_context, site
):
    page = editor_page
    change = reverse("admin:glossary_term_change", args=[site.term.pk])
    page.goto(change)
    save(page)  # the revision from before the rename

    page.locator("#id_name").fill("Large Language Models")
    page.locator("#id_slug").fill("large-language-models")
    page.locator("#id_status").select_option("published")
    save(page)

    visitor = new_context().new_page()
    visitor.goto(f"/glossary/{TERM_SLUG}/")
    expect(visitor).to_have_url(
        f"{visitor.url.split('/glossary/')[0]}/glossary/large-language-models/"
    )
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Large Language Models")

    page.goto(change)
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare revisions").click()
    expect(page.get_by_text("Large Language Models").first).to_be_visible()
    page.get_by_role("button", name="Restore the revision of").click()
    expect(page.get_by_text(f"Restored {TERM_NAME} from that revision.")).to_be_visible()

    visitor.goto(f"/glossary/{TERM_SLUG}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(TERM_NAME)
    visitor.goto("/glossary/large-language-models/")
    expect(visitor).to_have_url(f"{visitor.url.split('/glossary/')[0]}/glossary/{TERM_SLUG}/")
