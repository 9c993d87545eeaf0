"""Retention and access requests: purge_enquiries and export_enquiries."""

import importlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.models import Enquiry, EnquiryQuerySet, EnquiryStatus
from tests.factories import make_enquiry, make_term

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- purge_enquiries ---------------------------------------------------------------


def test_purge_deletes_enquiries_older_than_the_given_days_and_says_how_many():
    old = [make_enquiry(created_at=days_ago(800)) for _ in range(3)]
    recent = make_enquiry(created_at=days_ago(10))

    out, _ = run("purge_enquiries", "--older-than", "730")

    assert "Deleted 3 enquiries received before" in out
    assert list(Enquiry.objects.all()) == [recent]
    assert not Enquiry.objects.filter(pk__in=[e.pk for e in old]).exists()


def test_purge_dry_run_deletes_nothing():
    make_enquiry(created_at=days_ago(800))
    out, _ = run("purge_enquiries", "--older-than", "730", "--dry-run")
    assert "Would delete 1 enquiry" in out
    assert Enquiry.objects.count() == 1


def test_purge_deletes_in_batches():
    for _ in range(5):
        make_enquiry(created_at=days_ago(100))
    with CaptureQueriesContext(connection) as queries:
        out, _ = run("purge_enquiries", "--older-than", "30", "--batch-size", "2")
    deletes = [q for q in queries if q["sql"].upper().startswith("DELETE")]
    assert len(deletes) == 3
    assert "Deleted 5 enquiries" in out
    assert not Enquiry.objects.exists()


def test_purge_can_be_limited_to_spam():
    spam = make_enquiry(created_at=days_ago(60), status=EnquiryStatus.SPAM)
    lead = make_enquiry(created_at=days_ago(60))
    out, _ = run("purge_enquiries", "--older-than", "30", "--spam-only")
    assert "Deleted 1 spam enquiry" in out
    assert list(Enquiry.objects.all()) == [lead]
    assert not Enquiry.objects.filter(pk=spam.pk).exists()


@pytest.mark.parametrize("days", ["0", "-5"])
def test_purge_refuses_non_positive_days(days):
    make_enquiry(created_at=days_ago(1))
    with pytest.raises(CommandError, match="positive number of days"):
        call_command("purge_enquiries", "--older-than", days)
    assert Enquiry.objects.count() == 1


def test_purge_requires_the_number_of_days():
    with pytest.raises(CommandError):
        call_command("purge_enquiries")


def test_purge_keeps_enquiries_whose_page_was_deleted_until_they_expire():
    term = make_term()
    enquiry = make_enquiry(topic=term)
    term.delete()
    run("purge_enquiries", "--older-than", "30")
    assert Enquiry.objects.filter(pk=enquiry.pk).exists()


def logged_change(user, enquiry):
    """The admin's log entry for a change to `enquiry`, as a save in the admin writes it."""
    return LogEntry.objects.log_actions(
        user.pk, [enquiry], CHANGE, change_message="Changed status.", single_object=True
    )


def test_the_admin_log_keeps_who_did_what_to_a_purged_enquiry_but_not_the_name(sales):
    enquiry = make_enquiry(name="Grace Hopper", created_at=days_ago(800))
    entry = logged_change(sales, enquiry)
    assert "Grace Hopper" in entry.object_repr

    run("purge_enquiries", "--older-than", "730")

    entry.refresh_from_db()
    assert entry.object_repr == f"Enquiry #{enquiry.pk}"
    assert (entry.user, entry.change_message) == (sales, "Changed status.")
    assert not LogEntry.objects.filter(object_repr__contains="Grace").exists()


def test_an_erasure_request_leaves_the_name_nowhere_in_the_admin_log(sales):
    enquiry = make_enquiry(name="Grace Hopper", email="grace@example.com")
    kept = make_enquiry(name="Ada Lovelace", email="ada@example.com")
    logged_change(sales, enquiry)
    logged_change(sales, kept)

    run("purge_enquiries", "--email", "GRACE@example.com")

    assert list(LogEntry.objects.order_by("pk").values_list("object_repr", flat=True)) == [
        f"Enquiry #{enquiry.pk}",
        str(kept),
    ]


# --- export_enquiries --------------------------------------------------------------


def test_export_prints_one_persons_enquiries_as_json_ignoring_case():
    term = make_term(name="Foundation Model")
    first = make_enquiry(
        email="Ada@Example.com",
        message="First <b>message</b>",
        topic=term,
        utm_source="newsletter",
        ip_hash="a" * 64,
        notes="Called back.",
        created_at=days_ago(3),
    )
    second = make_enquiry(email="ada@example.com", message="Second")
    make_enquiry(email="someone.else@example.com")

    out, err = run("export_enquiries", "--email", "ADA@example.COM")

    data = json.loads(out)["enquiries"]
    assert [item["id"] for item in data] == [first.pk, second.pk]
    assert data[0]["message"] == "First <b>message</b>"
    assert data[0]["topic_title"] == "Foundation Model"
    assert data[0]["utm_source"] == "newsletter"
    assert data[0]["ip_hash"] == "a" * 64
    assert data[0]["notes"] == "Called back."
    assert data[0]["created_at"].startswith(str(first.created_at.year))
    assert "Exported 2 enquiries" in err


def test_export_of_an_unknown_address_is_an_empty_list():
    make_enquiry(email="someone@example.com")
    out, err = run("export_enquiries", "--email", "nobody@example.com")
    assert json.loads(out) == {"contact": None, "enquiries": []}
    assert "Exported 0 enquiries" in err


def test_export_refuses_something_that_is_not_an_address():
    with pytest.raises(CommandError, match="not an email address"):
        call_command("export_enquiries", "--email", "%")


def test_export_streams_rather_than_loading_everything(monkeypatch):
    for _ in range(3):
        make_enquiry(email="ada@example.com")
    iterated = []
    original = EnquiryQuerySet.iterator

    def spy(self, *args, **kwargs):
        iterated.append(kwargs.get("chunk_size"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EnquiryQuerySet, "iterator", spy)
    out, _ = run("export_enquiries", "--email", "ada@example.com")
    assert len(json.loads(out)["enquiries"]) == 3
    assert iterated == [200]


def test_a_migration_renames_the_log_entries_of_enquiries_deleted_before(sales):
    forget = importlib.import_module(
        "services.migrations.0010_forget_purged_enquiries_in_admin_log"
    ).forget_deleted_enquiries
    gone, kept = make_enquiry(name="Grace Hopper"), make_enquiry(name="Ada Lovelace")
    gone_entry, kept_entry = logged_change(sales, gone), logged_change(sales, kept)
    Enquiry.objects.filter(pk=gone.pk).delete()  # as purges did before the log was renamed

    forget(apps, None)

    gone_entry.refresh_from_db()
    kept_entry.refresh_from_db()
    assert gone_entry.object_repr == f"Enquiry #{gone.pk}"
    assert kept_entry.object_repr == str(kept)
