"""Editors' changelists fit a 1280 px screen with every column shown (issue 11)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for the admin"


@pytest.mark.parametrize(
    "changelist",
    ["admin:glossary_term_changelist", "admin:services_service_changelist",
     "admin:services_technology_changelist"],
)  # fmt: skip
def test_changelists_fit_a_1280_px_screen_without_scrolling_sideways(new_context, site, changelist):
    User.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, "chief", PASSWORD)
    page.goto(reverse(changelist))
    page.wait_for_selector("#result_list")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px wider than the screen"
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('#result_list th')]
            .filter(th => th.getBoundingClientRect().right > window.innerWidth)
            .map(th => th.textContent.trim())"""
    )
    assert hidden == []
