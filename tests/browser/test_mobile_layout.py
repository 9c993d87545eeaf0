"""On a phone-sized screen no page scrolls sideways."""

import pytest

from tests.browser.site_pages import PAGES, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Elements beyond the screen's edge are measured against the phone's width, not
# innerWidth: a mobile browser zooms out to fit a page that is too wide.
MEASURE = """
screen => {
    const width = window.innerWidth;
    const root = document.documentElement;
    const culprits = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width && (box.right > screen + 0.5 || box.left < -0.5)) {
            const name = element.tagName.toLowerCase()
                + (element.id ? "#" + element.id : "")
                + (element.className && typeof element.className === "string"
                    ? "." + element.className.trim().split(/\\s+/).join(".") : "");
            culprits.push(`${name} (left ${Math.round(box.left)}, right ${Math.round(box.right)})`);
        }
    }
    return {width, scrollWidth: root.scrollWidth, culprits: culprits.slice(0, 15)};
}
"""


@pytest.mark.parametrize("page_name", PAGES)
def test_page_does_not_scroll_sideways_on_a_phone(site, new_context, page_name):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    open_page(page, page_name)
    measured = page.evaluate(MEASURE, PHONE["width"])
    fits = measured["width"] == PHONE["width"] and measured["scrollWidth"] <= measured["width"]
    assert fits, (
        f"the {page_name} page ({page.url}) is {max(measured['scrollWidth'], measured['width'])} px "
        f"wide on a {PHONE['width']} px phone screen (window.innerWidth {measured['width']}, "
        f"scrollWidth {measured['scrollWidth']}); elements beyond the edge:\n"
        + "\n".join(f"- {culprit}" for culprit in measured["culprits"])
    )
