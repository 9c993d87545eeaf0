"""
Issue 13's journey, in Chromium: a visitor reads three pages and enquires;
the Sales user a routing rule gives it to logs in, finds it assigned to them
with the pages the visitor read, marks it contacted, and sees the time it
took to answer.
"""

import re
import time

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from playwright.sync_api import expect

from services.models import Enquiry, EnquiryStatus, RoutingRule
from tests.browser.conftest import STAFF_PASSWORD, log_in
from tests.browser.site_pages import (
    TERM_NAME,
    TERM_SLUG,
    open_path,
    send_contact_form,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def grace(live_server):
    """A Sales user with a public name, given every enquiry by a routing rule."""
    # The live server's database is flushed between tests, and the groups a
    # data migration made with it: made again here.
    sales, _ = Group.objects.get_or_create(name="Sales")
    user = User.objects.create_user(
        "grace", "grace@example.com", STAFF_PASSWORD, is_staff=True,
        first_name="Grace", last_name="Hopper",
    )  # fmt: skip
    user.groups.add(sales)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="services", codename__in=["view_enquiry", "change_enquiry"]
        )
    )
    RoutingRule.objects.create(order=1, match="*", owner=user, is_active=True)
    return user


def test_a_visitor_enquires_and_the_routed_sales_user_answers(site, grace, new_context):
    visitor = new_context().new_page()
    open_path(visitor, "/services/")
    visitor.get_by_role("link", name=site.service.title).first.click()
    open_path(visitor, f"/glossary/{TERM_SLUG}/")
    call_to_action = visitor.get_by_role("region", name=f"Need Help With {TERM_NAME}?")
    call_to_action.get_by_role("link", name="Get in Touch").click()
    send_contact_form(visitor, shown_at=time.monotonic())
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(re.compile("thank", re.I))
    enquiry = Enquiry.objects.get(email="ada@example.com")
    assert enquiry.assignee == grace

    sales = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(sales, grace.username)
    sales.goto(reverse("admin:services_enquiry_changelist"))
    row = sales.get_by_role("row").filter(has_text="Ada Lovelace")
    expect(row).to_contain_text("Grace Hopper")
    row.get_by_role("link").first.click()
    expect(sales.get_by_text("not answered yet")).to_be_visible()
    # The three pages the visitor read, in order, before writing.
    pages = sales.locator(".field-journey_shown ol.enquiry-journey li")
    expect(pages).to_have_count(3)
    expect(pages.nth(0)).to_contain_text("/services/")
    expect(pages.nth(1)).to_contain_text(site.service.get_absolute_url())
    expect(pages.nth(2)).to_contain_text(f"/glossary/{TERM_SLUG}/")

    sales.locator("#id_status").select_option(EnquiryStatus.CONTACTED)
    sales.get_by_role("button", name="Save and continue editing").first.click()
    expect(sales.get_by_text("was changed successfully")).to_be_visible()
    answered = sales.locator(".field-time_to_first_response .readonly")
    expect(answered).not_to_contain_text("not answered yet")
    expect(answered).to_contain_text(re.compile(r"\d"))
    enquiry.refresh_from_db()
    assert enquiry.first_response_at is not None
