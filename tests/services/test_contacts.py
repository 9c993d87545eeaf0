"""Returning contacts: one per address, earlier enquiries on the page, double submits merged."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from services.contacts import contact_for
from services.models import Contact, Enquiry, EnquiryStatus, normalise_email
from tests.factories import make_enquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

THANKS_URL = reverse("services:contact_thanks")


def change_url(enquiry):
    return reverse("admin:services_enquiry_change", args=[enquiry.pk])


def test_address_is_trimmed_and_lower_cased_but_plus_addressing_is_kept():
    assert normalise_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"
    assert normalise_email("ada+work@example.com") == "ada+work@example.com"


def test_first_enquiry_creates_a_contact_and_links_it(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(email="Ada@Example.com"))
    enquiry = Enquiry.objects.get()
    assert enquiry.contact == Contact.objects.get()
    assert enquiry.contact.email == "ada@example.com"
    # What the visitor typed is kept as typed.
    assert enquiry.email == "Ada@Example.com"


def test_a_returning_person_is_the_same_contact_whatever_the_case(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(email="ada@example.com", message="First question."))
    send_enquiry(enquiry_form_data(email=" ADA@example.COM", message="Second question."))
    send_enquiry(enquiry_form_data(email="ada+work@example.com", message="Third question."))

    assert Enquiry.objects.count() == 3
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "ada+work@example.com",
        "ada@example.com",
    ]
    assert Contact.objects.get(email="ada@example.com").enquiries.count() == 2


def test_contact_for_reuses_the_row_of_an_address():
    first = contact_for("Grace@Example.com")
    assert contact_for("grace@example.com ") == first
    assert Contact.objects.count() == 1


# --- Double submits ----------------------------------------------------------------


def test_double_submit_is_stored_and_notified_once_and_still_thanked(
    send_enquiry, enquiry_form_data
):
    first = send_enquiry(enquiry_form_data(message="We need help with  a RAG\nsystem."))
    second = send_enquiry(
        enquiry_form_data(email="ADA@example.com", message=" We need help with a RAG system. ")
    )

    assert first.url == THANKS_URL
    assert second.status_code == 302
    assert second.url == THANKS_URL
    assert Enquiry.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_different_message_from_the_same_person_is_a_new_enquiry(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(message="About RAG."))
    send_enquiry(enquiry_form_data(message="About agents."))
    assert Enquiry.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_same_message_after_ten_minutes_is_a_new_enquiry(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data())
    Enquiry.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    send_enquiry(enquiry_form_data())
    assert Enquiry.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_same_message_from_another_address_is_not_merged(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(email="ada@example.com"))
    send_enquiry(enquiry_form_data(email="grace@example.com"))
    assert Enquiry.objects.count() == 2


# --- Earlier enquiries on the enquiry page --------------------------------------------


def enquiries_of(contact, count):
    """`count` enquiries from one contact, a day apart, the newest last."""
    now = timezone.now()
    return [
        make_enquiry(
            email=contact.email,
            contact=contact,
            topic_title=f"Topic {n}",
            status=EnquiryStatus.WON if n == 0 else EnquiryStatus.CONTACTED,
            created_at=now - timedelta(days=count - n),
        )
        for n in range(count)
    ]


def test_enquiry_page_shows_the_persons_earlier_enquiries_and_their_outcome(sales_client):
    contact = Contact.objects.create(email="ada@example.com")
    first, second, latest = enquiries_of(contact, 3)
    make_enquiry(email="someone@example.com", topic_title="Not theirs")

    content = sales_client.get(change_url(latest)).content.decode()

    table = content.split('class="enquiry-earlier"')[1].split("</table>")[0]
    assert f'href="{change_url(first)}"' in table
    assert f'href="{change_url(second)}"' in table
    assert f'href="{change_url(latest)}"' not in table
    assert "<td>Topic 0</td><td>Won</td>" in table
    assert "<td>Topic 1</td><td>Contacted</td>" in table
    assert "Not theirs" not in table
    # Newest first.
    assert table.index("Topic 1") < table.index("Topic 0")


def test_a_first_enquiry_says_so(sales_client):
    enquiry = make_enquiry(contact=Contact.objects.create(email="new@example.com"))
    content = sales_client.get(change_url(enquiry)).content.decode()
    assert "None: this is their first enquiry." in content


# The session, the user and the permissions, the enquiry and its assignee
# choices, one query for all the earlier enquiries, and one for its webhook
# deliveries.
QUERIES_ON_CHANGE_PAGE = 8


def test_earlier_enquiries_cost_one_query_however_many(sales_client, django_assert_num_queries):
    """Guards against N+1: the page costs the same with 2 or 20 earlier enquiries."""
    few = enquiries_of(Contact.objects.create(email="few@example.com"), 3)[-1]
    many = enquiries_of(Contact.objects.create(email="many@example.com"), 21)[-1]
    sales_client.get(change_url(few))  # Warm the session and content types.
    with django_assert_num_queries(QUERIES_ON_CHANGE_PAGE):
        sales_client.get(change_url(few))
    with django_assert_num_queries(QUERIES_ON_CHANGE_PAGE):
        response = sales_client.get(change_url(many))
    assert response.content.decode().count("Contacted") >= 20


# --- Access and erasure requests ------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_includes_the_contact(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(email="Ada@Example.com", budget="10k-50k", timeline="now"))
    contact = Contact.objects.get()

    data = json.loads(run("export_enquiries", "--email", "ada@EXAMPLE.com")[0])

    assert data["contact"]["id"] == contact.pk
    assert data["contact"]["email"] == "ada@example.com"
    assert data["contact"]["created_at"].startswith(str(contact.created_at.year))
    [enquiry] = data["enquiries"]
    assert enquiry["budget"] == "10k-50k"
    assert enquiry["timeline"] == "now"
    assert enquiry["journey"] == []


def test_purging_a_person_leaves_no_enquiry_and_no_contact(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(email="ada@example.com", message="One."))
    send_enquiry(enquiry_form_data(email="Ada@example.com", message="Two."))
    make_enquiry(email="ADA@example.com")  # Stored before contacts existed: no contact.
    send_enquiry(enquiry_form_data(email="grace@example.com"))

    out, _ = run("purge_enquiries", "--email", "ada@EXAMPLE.com")

    assert "Deleted 3 enquiries and the contact for ada@EXAMPLE.com" in out
    assert list(Contact.objects.values_list("email", flat=True)) == ["grace@example.com"]
    assert list(Enquiry.objects.values_list("email", flat=True)) == ["grace@example.com"]


def test_retention_purge_deletes_contacts_left_without_an_enquiry():
    gone = Contact.objects.create(email="gone@example.com")
    kept = Contact.objects.create(email="kept@example.com")
    make_enquiry(contact=gone, created_at=timezone.now() - timedelta(days=800))
    make_enquiry(contact=kept, created_at=timezone.now() - timedelta(days=800))
    make_enquiry(contact=kept)

    run("purge_enquiries", "--older-than", "730")

    assert list(Contact.objects.all()) == [kept]
    assert kept.enquiries.count() == 1


def test_migration_links_enquiries_stored_before_contacts_one_contact_per_address():
    from importlib import import_module

    from django.apps import apps

    legacy = [make_enquiry(email=email) for email in ("Ada@Example.com", "ada@example.com ")]
    other = make_enquiry(email="grace@example.com")

    import_module("services.migrations.0008_contacts").link_contacts(apps, None)

    ada = Contact.objects.get(email="ada@example.com")
    assert str(ada) == "ada@example.com"
    assert sorted(e.pk for e in ada.enquiries.all()) == sorted(e.pk for e in legacy)
    other.refresh_from_db()
    assert other.contact.email == "grace@example.com"
    assert Contact.objects.count() == 2
