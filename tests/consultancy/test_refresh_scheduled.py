from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from glossary.models import Term
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def test_links_to_a_term_appear_once_its_scheduled_time_has_passed():
    soon = make_term(name="Diffusion Model", published_at=timezone.now() + timedelta(hours=1))
    mention = make_term(body="A Diffusion Model draws images.")
    assert soon.get_absolute_url() not in Term.objects.get(pk=mention.pk).body_html

    Term.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(minutes=2))
    call_command("refresh_scheduled", "--minutes", "15")

    assert soon.get_absolute_url() in Term.objects.get(pk=mention.pk).body_html


def test_older_publications_are_left_alone(capsys):
    make_term(published_at=timezone.now() - timedelta(days=3))
    call_command("refresh_scheduled")
    assert "glossary terms: 0 went public" in capsys.readouterr().out


def test_minutes_must_be_positive():
    with pytest.raises(CommandError, match="positive"):
        call_command("refresh_scheduled", "--minutes", "0")
