from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from glossary.models import Term
from services.models import Service, Technology
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "model"),
    [(make_term, Term), (make_service, Service), (make_technology, Technology)],
    ids=["term", "service", "technology"],
)
def test_links_to_a_term_appear_once_its_scheduled_time_has_passed(make, model):
    """In the bodies of every kind: a term's, a service's and a technology's."""
    soon = make_term(name="Diffusion Model", published_at=timezone.now() + timedelta(hours=1))
    mention = make(body="A Diffusion Model draws images.")
    assert soon.get_absolute_url() not in model.objects.get(pk=mention.pk).body_html

    Term.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(minutes=2))
    call_command("refresh_scheduled", "--minutes", "15")

    assert soon.get_absolute_url() in model.objects.get(pk=mention.pk).body_html


def test_older_publications_are_left_alone(capsys):
    make_term(published_at=timezone.now() - timedelta(days=3))
    call_command("refresh_scheduled")
    assert "glossary terms: 0 went public" in capsys.readouterr().out


def test_minutes_must_be_positive():
    with pytest.raises(CommandError, match="positive"):
        call_command("refresh_scheduled", "--minutes", "0")
