"""Retention and access requests: purge_enquiries and export_enquiries."""

import json
from datetime import timedelta
from io import StringIO

import pytest
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
