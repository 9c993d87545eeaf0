"""
Tags that earlier versions stored with their slug as their name
("generative-ai") get a display name: the demo's own where it names that
slug (consultancy/demo/tags.yaml), else the slug's words capitalised. A tag
an editor named is left alone, and so is one whose new name another tag
already has (tags are unique by name, whatever the case).
"""

import re
from pathlib import Path

import yaml
from django.db import migrations
from django.db.models import F

DEMO_TAGS = Path(__file__).resolve().parents[1] / "demo" / "tags.yaml"
# Frozen here rather than imported, as migrations should be: consultancy/tags.py.
WORD_SEPARATORS = re.compile(r"[-_\s]+")


def demo_names():
    try:
        return yaml.safe_load(DEMO_TAGS.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def name_tags(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    names = demo_names()
    for tag in Tag.objects.filter(name=F("slug")).iterator(chunk_size=500):
        words = [word.capitalize() for word in WORD_SEPARATORS.split(tag.slug) if word]
        name = str(names.get(tag.slug) or " ".join(words))
        taken = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).exists()
        if name and name != tag.name and not taken:
            tag.name = name
            tag.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("consultancy", "0005_body_links"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(name_tags, migrations.RunPython.noop)]
