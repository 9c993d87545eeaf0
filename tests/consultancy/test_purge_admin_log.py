"""purge_admin_log: the admin's log of actions is kept two years (deploy/crontab), not forever."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import make_term

pytestmark = pytest.mark.django_db


def logged(user, item, days_ago):
    entry = LogEntry.objects.log_actions(
        user.pk, [item], CHANGE, change_message="Changed body.", single_object=True
    )
    LogEntry.objects.filter(pk=entry.pk).update(
        action_time=timezone.now() - timedelta(days=days_ago)
    )
    return entry


def test_entries_older_than_the_days_go_and_newer_ones_stay(editor):
    term = make_term(name="Foundation Model")
    for days_ago in (800, 731):
        logged(editor, term, days_ago)
    recent = logged(editor, term, 10)
    out = StringIO()

    call_command("purge_admin_log", "--older-than", "730", stdout=out)

    assert list(LogEntry.objects.all()) == [recent]
    assert out.getvalue().startswith("Deleted 2 admin log entries made before ")


@pytest.mark.parametrize("days", ["0", "-5"])
def test_it_refuses_days_that_are_not_positive(days):
    with pytest.raises(CommandError, match="positive"):
        call_command("purge_admin_log", "--older-than", days)
