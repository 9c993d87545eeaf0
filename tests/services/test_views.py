"""Service and technology pages: what they list, who may see them, what they cost."""

import pytest

from consultancy.models import Status
from tests.factories import make_service, make_technology, make_term
from tests.helpers import structured_types, text

pytestmark = pytest.mark.django_db


def test_service_page_lists_its_technologies_and_terms(client, site):
    term, service, technology = site
    service.technologies.add(technology)
    response = client.get(service.get_absolute_url())
    content = text(response)
    assert technology.summary in content
    assert term.name in content
    assert f"Need Help With {service.title}?" in content
    assert structured_types(response) == {"BreadcrumbList", "Service"}


def test_technology_page_lists_its_services_and_terms(client, site):
    term, service, technology = site
    service.technologies.add(technology)
    content = text(client.get(technology.get_absolute_url()))
    assert service.summary in content
    assert term.name in content
    assert f"Need Help With {technology.name}?" in content


@pytest.mark.parametrize("factory", [make_service, make_technology])
def test_draft_services_and_technologies_are_404(client, factory):
    item = factory(status=Status.DRAFT)
    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The item, then one read of everything it lists.
        ("/services/cloud-ai-modernisation/", 2),
        ("/technologies/openai-integration/", 2),
        # The count, then the page.
        ("/services/", 2),
        ("/technologies/", 2),
        # Featured services, then the number of terms.
        ("/", 2),
    ],
)
def test_service_technology_and_home_pages_cost_a_fixed_number_of_queries(
    client, cold_cache, site, django_assert_num_queries, path, queries
):
    """Guards against N+1 on service, technology and home pages (uncached)."""
    _term, service, technology = site
    for _ in range(20):
        service.technologies.add(make_technology())
        make_service().technologies.add(technology)
        make_term().services.add(service)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
