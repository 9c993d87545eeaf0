"""
An auto-linked term shows the linked term's short definition as a tooltip on
hover and on keyboard focus (WCAG 2.1 success criterion 1.4.13, "Content on
Hover or Focus": it can be dismissed, hovered and stays put), and stays a plain
working link without JavaScript.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.site_pages import (
    LINK_TEXT,
    LINKED_TERM_DEFINITION,
    LINKED_TERM_NAME,
    LINKED_TERM_SLUG,
    PAGES,
    open_path,
    path_pattern,
)
from tests.factories import make_service

pytestmark = pytest.mark.browser

# Shown means a reader can see it: rendered, not transparent, not clipped to a
# pixel like visually-hidden text (Playwright's is_visible() accepts both).
IS_SHOWN = """
tip => {
    const style = getComputedStyle(tip);
    const box = tip.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden"
        && Number(style.opacity) > 0.9 && box.width >= 20 && box.height >= 10;
}
"""
WAIT_MS = 2_000
MAX_TABS = 100


def the_autolink(page):
    """The auto-link in the term's In Depth text, and the tooltip it points to."""
    link = page.get_by_role("link", name=LINK_TEXT, exact=True)
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", f"/glossary/{LINKED_TERM_SLUG}/")
    tip_id = link.get_attribute("aria-describedby")
    assert tip_id, "the auto-link has no aria-describedby pointing at its tooltip"
    tip = page.locator(f"[id='{tip_id}']")
    expect(tip).to_have_count(1)
    expect(tip).to_have_class("autolink__tip")
    expect(tip).to_have_attribute("role", "tooltip")
    expect(tip).to_have_text(LINKED_TERM_DEFINITION)
    return link, tip


def is_shown(tip):
    return tip.evaluate(IS_SHOWN)


def assert_tip(page, tip, *, shown, when):
    """Wait (up to WAIT_MS, for transitions) until the tooltip is shown or hidden."""
    try:
        page.wait_for_function(
            f"([tip, wanted]) => ({IS_SHOWN})(tip) === wanted",
            arg=[tip.element_handle(), shown],
            timeout=WAIT_MS,
        )
        return
    except PlaywrightTimeoutError:
        pass
    state = "is still hidden" if shown else "is still shown"
    pytest.fail(f"the auto-link tooltip {state} {WAIT_MS} ms {when}", pytrace=False)


def tab_to(page, link):
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if link.evaluate("link => link === document.activeElement"):
            return
    pytest.fail(f"the auto-link was not reached in {MAX_TABS} presses of Tab", pytrace=False)


@pytest.fixture
def term_page(site, page):
    open_path(page, PAGES["term"])
    return page


def test_autolink_tooltip_shows_on_hover_and_hides_after(term_page):
    link, tip = the_autolink(term_page)
    assert_tip(term_page, tip, shown=False, when="after the page loaded, before any hover")
    link.hover()
    assert_tip(term_page, tip, shown=True, when="after the pointer moved onto the link")
    term_page.mouse.move(0, 0)
    assert_tip(term_page, tip, shown=False, when="after the pointer left the link")


def test_autolink_tooltip_shows_on_keyboard_focus_and_hides_after(term_page):
    link, tip = the_autolink(term_page)
    assert_tip(term_page, tip, shown=False, when="after the page loaded, before any focus")
    tab_to(term_page, link)
    assert_tip(term_page, tip, shown=True, when="after tabbing to the link")
    term_page.keyboard.press("Tab")
    assert_tip(term_page, tip, shown=False, when="after tabbing past the link")


def test_autolink_tooltip_stays_while_the_pointer_moves_onto_it(term_page):
    """1.4.13 "hoverable": a reader can move the pointer over the tooltip to read it."""
    link, tip = the_autolink(term_page)
    link.hover()
    assert_tip(term_page, tip, shown=True, when="after the pointer moved onto the link")
    box = tip.bounding_box()
    # Glide from the link to the middle of the tooltip, as a hand would.
    term_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=10)
    term_page.wait_for_timeout(500)  # let any hide delay or transition run its course
    assert is_shown(tip), (
        "the auto-link tooltip disappeared when the pointer moved from the link onto it"
    )


def test_autolink_tooltip_can_be_dismissed_with_escape(term_page):
    """1.4.13 "dismissible": Escape hides the tooltip without moving focus or pointer."""
    link, tip = the_autolink(term_page)
    tab_to(term_page, link)
    assert_tip(term_page, tip, shown=True, when="after tabbing to the link")
    term_page.keyboard.press("Escape")
    assert_tip(term_page, tip, shown=False, when="after pressing Escape on the focused link")
    assert link.evaluate("link => link === document.activeElement"), (
        "pressing Escape moved the focus away from the link"
    )


def test_autolink_is_a_plain_working_link_without_javascript(site, new_context):
    page = new_context(java_script_enabled=False).new_page()
    open_path(page, PAGES["term"])
    link = page.get_by_role("link", name=LINK_TEXT, exact=True)
    link.click()
    expect(page).to_have_url(path_pattern(f"/glossary/{LINKED_TERM_SLUG}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LINKED_TERM_NAME)


def test_a_tooltip_in_a_service_page_works_by_hover_keyboard_and_escape(site, page):
    """Issue 12: services' bodies link glossary terms too, with the same tooltip."""
    service = make_service(
        title="Model Adaptation",
        slug="model-adaptation",
        body=f"We adapt a {LINK_TEXT} to your data, then measure it.",
    )
    open_path(page, service.get_absolute_url())
    link, tip = the_autolink(page)
    link.hover()
    assert_tip(page, tip, shown=True, when="after the pointer moved onto the link")
    page.mouse.move(0, 0)
    assert_tip(page, tip, shown=False, when="after the pointer left the link")
    tab_to(page, link)
    assert_tip(page, tip, shown=True, when="after tabbing to the link")
    page.keyboard.press("Escape")
    assert_tip(page, tip, shown=False, when="after pressing Escape on the focused link")
    assert link.evaluate("link => link === document.activeElement")
