"""PreparedRead: compiled once, bound anew on each run, and switchable off without a trace."""

import re

import pytest
from django.test import override_settings

from consultancy.prepared import Param, PreparedRead
from glossary.models import Term
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db

# Every type of page (and something each must show), so that the comparison
# is between two real pages, not two error pages.
PAGE_TYPES = [
    ("/", "Evaluation Sprints"),
    ("/glossary/", "Foundation Model"),
    ("/glossary/letter/f/", "Foundation Model"),
    ("/glossary/?q=model", "Foundation Model"),
    ("/glossary/?tag=llm", "Foundation Model"),
    ("/glossary/foundation-model/", "Built on attention"),
    ("/services/", "Evaluation Sprints"),
    ("/services/cloud-ai-modernisation/", "Foundation Model"),
    ("/technologies/", "/technologies/openai-integration/"),
    ("/technologies/openai-integration/", "Foundation Model"),
    ("/glossary/feed/", "Foundation Model"),
    ("/sitemap.xml", "/glossary/foundation-model/"),
]
# A CSP nonce is new in every response, whatever the reads.
NONCE = re.compile(r'nonce="[^"]*"')


def counted_read(builds):
    """A read of one term's name by pk that counts how often it is built."""

    def build():
        builds.append(1)
        return Term.objects.filter(pk=Param("pk", Term._meta.pk)).only("name")

    return PreparedRead(build)


def test_a_prepared_read_is_built_once_and_run_with_new_values():
    first, second = make_term(name="First"), make_term(name="Second")
    builds = []
    read = counted_read(builds)
    assert [term.name for term in read.instances(pk=first.pk)] == ["First"]
    assert [term.name for term in read.instances(pk=second.pk)] == ["Second"]
    assert read.rows(pk=second.pk) == [(second.pk, "Second")]
    assert len(builds) == 1


@override_settings(PREPARED_READS=False)
def test_switched_off_a_prepared_read_is_built_on_every_run():
    term = make_term(name="First")
    builds = []
    read = counted_read(builds)
    assert [t.name for t in read.instances(pk=term.pk)] == ["First"]
    assert [t.name for t in read.instances(pk=term.pk)] == ["First"]
    assert len(builds) == 2


@pytest.mark.parametrize(("path", "shows"), PAGE_TYPES)
def test_every_page_type_is_the_same_with_prepared_reads_on_or_off(
    client, cold_cache, site, settings, path, shows
):
    term, service, technology = site
    term.tags.set(["llm"])
    service.technologies.add(technology)
    term.related_terms.add(make_term(name="Transformer", short_definition="Built on attention."))
    make_service(title="Evaluation Sprints").technologies.add(make_technology())

    pages = {}
    for prepared in (True, False):
        settings.PREPARED_READS = prepared
        response = client.get(path)
        assert response.status_code == 200
        pages[prepared] = NONCE.sub("", response.content.decode())
    assert shows in pages[True]
    assert pages[True] == pages[False]
