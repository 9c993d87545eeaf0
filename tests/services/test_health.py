"""The "notifications" readiness check: /readyz fails when sales are not hearing about enquiries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from services.models import EnquiryStatus, NotificationStatus
from tests.factories import make_enquiry

pytestmark = pytest.mark.django_db


def received(minutes_ago, **overrides):
    return make_enquiry(created_at=timezone.now() - timedelta(minutes=minutes_ago), **overrides)


def notifications(client):
    response = client.get("/readyz")
    return response.status_code, response.json()["checks"]["notifications"]


def test_an_enquiry_pending_longer_than_the_alert_minutes_makes_readyz_fail(client, settings):
    settings.ENQUIRY_NOTIFY_ALERT_MINUTES = 30
    received(minutes_ago=45)
    status, check = notifications(client)
    assert status == 503
    assert check["status"] == "fail"
    assert "pending for 45 minutes (the limit is 30)" in check["error"]


def test_a_recent_pending_enquiry_is_normal(client, settings):
    settings.ENQUIRY_NOTIFY_ALERT_MINUTES = 30
    received(minutes_ago=10)
    status, check = notifications(client)
    assert (status, check["status"]) == (200, "ok")


def test_the_limit_comes_from_the_setting(client, settings):
    settings.ENQUIRY_NOTIFY_ALERT_MINUTES = 5
    received(minutes_ago=10)
    assert notifications(client)[0] == 503


@pytest.mark.parametrize(
    "overrides",
    [
        {"notification_status": NotificationStatus.SENT},
        {"notification_status": NotificationStatus.FAILED},
        {"status": EnquiryStatus.SPAM, "notification_status": NotificationStatus.PENDING},
    ],
    ids=["sent", "failed (shown in the admin, resent by cron)", "spam"],
)
def test_old_enquiries_that_are_not_waiting_for_a_notification_do_not_count(
    client, settings, overrides
):
    settings.ENQUIRY_NOTIFY_ALERT_MINUTES = 30
    received(minutes_ago=600, **overrides)
    assert notifications(client)[1]["status"] == "ok"
