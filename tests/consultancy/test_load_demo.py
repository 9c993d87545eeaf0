from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from taggit.models import Tag, TaggedItem

from consultancy.management.commands import load_demo
from glossary.models import Term
from services.models import Service, Technology
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


def test_load_demo_creates_a_published_densely_related_site():
    call_command("load_demo")
    assert Term.objects.published().count() >= 40
    assert Service.objects.published().count() >= 6
    assert Technology.objects.published().count() >= 8
    assert not Term.objects.exclude(related_terms=None).filter(services=None).exists()
    assert Term.objects.filter(related_terms=None).count() == 0


def test_foundation_model_has_its_promised_relations():
    call_command("load_demo")
    term = Term.objects.get(slug="foundation-model")
    assert term.name == "Foundation Model"
    # Other terms may also name it: relations are symmetrical.
    assert {
        "fine-tuning",
        "large-language-model",
        "multimodal-ai",
        "transfer-learning",
        "transformer",
    } <= set(slugs(term.related_terms.all()))
    assert slugs(term.services.all()) == [
        "cloud-ai-modernisation",
        "custom-model-training-distillation",
        "nvidia-blueprint-launch-kits",
    ]
    assert slugs(term.technologies.all()) == [
        "anthropic-claude-integration",
        "hugging-face-development",
        "llm-fine-tuning",
        "openai-integration",
    ]
    assert term.body_html.count("<p>") >= 3


def snapshot():
    """Everything load_demo writes, including timestamps and relation rows."""
    return {
        model: list(model.objects.order_by("pk").values())
        for model in (
            Term,
            Service,
            Technology,
            Term.related_terms.through,
            Term.services.through,
            Tag,
            TaggedItem,
        )
    }


def test_load_demo_creates_tags_with_display_names():
    call_command("load_demo")
    assert Tag.objects.get(slug="generative-ai").name == "Generative AI"
    assert Tag.objects.get(slug="llm").name == "LLM"
    assert not Tag.objects.filter(name=F("slug")).exists()
    term = Term.objects.get(slug="foundation-model")
    assert sorted(tag.name for tag in term.tags.all()) == [
        "Generative AI",
        "LLM",
        "Machine Learning",
    ]


def test_load_demo_names_tags_left_named_by_slug_and_keeps_an_editors_names():
    Tag.objects.create(name="generative-ai", slug="generative-ai")  # as earlier versions left it
    Tag.objects.create(name="Large Language Models", slug="llm")  # an editor's rename
    call_command("load_demo")
    assert Tag.objects.get(slug="generative-ai").name == "Generative AI"
    assert Tag.objects.get(slug="llm").name == "Large Language Models"


def test_load_demo_refuses_a_tag_that_tags_yaml_does_not_name(tmp_path, monkeypatch):
    for path in load_demo.DEMO_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    tags = tmp_path / "tags.yaml"
    tags.write_text(tags.read_text(encoding="utf-8").replace('nlp: "NLP"\n', ""))
    monkeypatch.setattr(load_demo, "DEMO_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"tags that tags\.yaml does not name: nlp"):
        call_command("load_demo")


def test_running_load_demo_twice_changes_nothing():
    call_command("load_demo")
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before


def test_load_demo_keeps_editors_own_content_and_restores_demo_text():
    call_command("load_demo")
    Term.objects.create(name="Editor's Own", slug="editors-own", short_definition="Mine.")
    Term.objects.filter(slug="foundation-model").update(short_definition="Changed.")
    call_command("load_demo")
    assert Term.objects.filter(slug="editors-own").exists()
    assert Term.objects.get(slug="foundation-model").short_definition != "Changed."


def test_if_empty_loads_the_demo_into_an_empty_site():
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert Term.objects.filter(slug="foundation-model").exists()
    assert Service.objects.exists()
    assert "Demo content is loaded." in out.getvalue()


@pytest.mark.parametrize("make", [make_term, make_service, make_technology])
def test_if_empty_leaves_a_site_with_any_content_alone(make):
    make(slug="editors-own")
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert not Term.objects.filter(slug="foundation-model").exists()
    assert Term.objects.count() + Service.objects.count() + Technology.objects.count() == 1
    assert "Demo content not loaded: the site already has content" in out.getvalue()


def test_if_empty_keeps_an_editors_changes_to_a_demo_item():
    call_command("load_demo")
    Term.objects.filter(slug="foundation-model").update(short_definition="Edited.")
    call_command("load_demo", "--if-empty", stdout=StringIO())
    assert Term.objects.get(slug="foundation-model").short_definition == "Edited."
