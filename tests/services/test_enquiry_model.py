"""The Enquiry model: its topic, constraints and how it prints."""

import pytest
from django.db import IntegrityError, transaction

from services.models import Enquiry, TopicKind
from services.models.enquiry import resolve_topic
from tests.factories import make_enquiry, make_service, make_term

pytestmark = pytest.mark.django_db


def test_an_enquiry_is_about_one_page_at_most():
    enquiry = make_enquiry()
    enquiry.term, enquiry.service = make_term(), make_service()
    with pytest.raises(IntegrityError), transaction.atomic():
        enquiry.save()


def test_setting_the_topic_records_its_kind_and_title():
    service = make_service(title="MLOps")
    enquiry = make_enquiry(topic=make_term())
    enquiry.topic = service
    enquiry.save()
    enquiry.refresh_from_db()
    assert (enquiry.term, enquiry.service, enquiry.topic_kind, enquiry.topic_title) == (
        None,
        service,
        TopicKind.SERVICE,
        "MLOps",
    )


def test_string_says_who_and_what_about():
    assert str(make_enquiry(name="Ada", topic=make_term(name="RAG"))) == "Ada (RAG)"
    assert str(make_enquiry(name="Grace")) == "Grace (general enquiry)"


def test_unknown_status_is_refused_by_the_database():
    enquiry = make_enquiry()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(status="maybe")


def test_topic_resolves_only_published_items():
    from consultancy.models import Status

    published, draft = make_term(), make_term(status=Status.DRAFT)
    assert resolve_topic(published.contact_topic) == published
    assert resolve_topic(draft.contact_topic) is None
    assert resolve_topic(None) is None
    assert resolve_topic("term") is None
