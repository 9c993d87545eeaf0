"""Tags are shown by their display name everywhere, never by their slug."""

import importlib

import pytest
from django.urls import reverse
from taggit.models import Tag

from consultancy.tags import create_from_slugs, name_from_slug
from tests.factories import make_service, make_technology, make_term
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def generative_ai():
    return Tag.objects.create(name="Generative AI", slug="generative-ai")


@pytest.mark.parametrize("make", [make_term, make_service, make_technology])
def test_a_page_shows_its_tags_by_name_linked_by_slug(client, generative_ai, make):
    item = make()
    item.tags.set([generative_ai])
    content = text(client.get(item.get_absolute_url()))
    assert '<a class="tag" href="/glossary/?tag=generative-ai">Generative AI</a>' in content
    assert ">generative-ai<" not in content


def test_the_glossary_tag_filter_is_headed_by_the_tag_name(client, generative_ai):
    make_term(name="Diffusion Model").tags.set([generative_ai])
    content = text(client.get("/glossary/?tag=generative-ai"))
    assert "<h1>AI Glossary: Generative AI</h1>" in content
    assert "Showing terms tagged “Generative AI”" in content


def test_the_admin_lists_tags_by_name(editor_client, generative_ai):
    make_term(name="Diffusion Model").tags.set([generative_ai])
    content = text(editor_client.get(reverse("admin:glossary_term_changelist")))
    assert '<td class="field-tag_list">Generative AI</td>' in content


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("generative-ai", "Generative Ai"),
        ("machine_learning", "Machine Learning"),
        ("nlp", "Nlp"),
        ("a--b", "A B"),
    ],
)
def test_a_name_made_from_a_slug_is_its_words_capitalised(slug, name):
    assert name_from_slug(slug) == name


def test_new_tags_are_named_from_their_slugs_unless_the_name_is_taken():
    Tag.objects.create(name="MACHINE LEARNING", slug="ml")
    created = create_from_slugs({"generative-ai", "machine-learning", "data_sets", "data-sets"})
    assert {slug: tag.name for slug, tag in created.items()} == {
        "generative-ai": "Generative Ai",
        # Another tag has that name (whatever its case): the slug instead.
        "machine-learning": "machine-learning",
        # Two slugs, one name: the first in slug order gets it.
        "data-sets": "Data Sets",
        "data_sets": "data_sets",
    }
    assert Tag.objects.count() == 5


def test_a_migration_names_the_tags_earlier_versions_named_by_their_slug():
    from django.apps import apps

    name_tags = importlib.import_module(
        "consultancy.migrations.0006_name_tags_named_by_slug"
    ).name_tags
    Tag.objects.create(name="generative-ai", slug="generative-ai")  # the demo names it
    Tag.objects.create(name="edge-inference", slug="edge-inference")
    Tag.objects.create(name="Our Picks", slug="our-picks")  # named by an editor
    Tag.objects.create(name="Vector Search", slug="vector-search-2")
    Tag.objects.create(name="vector-search", slug="vector-search")  # its name is taken

    name_tags(apps, None)

    assert dict(Tag.objects.values_list("slug", "name")) == {
        "generative-ai": "Generative AI",
        "edge-inference": "Edge Inference",
        "our-picks": "Our Picks",
        "vector-search-2": "Vector Search",
        "vector-search": "vector-search",
    }
