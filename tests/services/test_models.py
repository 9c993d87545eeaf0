import pytest
from django.core.exceptions import ValidationError

from services.models import Service, Technology
from tests.factories import make_service, make_technology

pytestmark = pytest.mark.django_db


def test_service_technologies_have_a_reverse_relation():
    service, technology = make_service(), make_technology()
    service.technologies.add(technology)
    assert list(technology.services.all()) == [service]


def test_services_are_listed_by_order_then_title():
    second = make_service(title="B", order=2)
    first = make_service(title="Z", order=1)
    third = make_service(title="C", order=2)
    assert list(Service.objects.all()) == [first, second, third]


def test_summary_that_is_too_long_is_refused_with_a_clear_message():
    service = Service(title="Long", slug="long", summary="x" * 201)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "at most 200 characters" in " ".join(error.value.message_dict["summary"])


def test_duplicate_technology_name_is_refused():
    make_technology(name="PyTorch Development")
    duplicate = Technology(name="pytorch development", slug="other", summary="x")
    with pytest.raises(ValidationError, match="A technology with this name already exists"):
        duplicate.full_clean()


def test_urls_and_strings():
    service = make_service(title="Cloud AI Modernisation", slug="cloud-ai-modernisation")
    technology = make_technology(name="OpenAI Integration", slug="openai-integration")
    assert (str(service), service.get_absolute_url()) == (
        "Cloud AI Modernisation",
        "/services/cloud-ai-modernisation/",
    )
    assert (str(technology), technology.get_absolute_url()) == (
        "OpenAI Integration",
        "/technologies/openai-integration/",
    )
