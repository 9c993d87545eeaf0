"""
Load the demo site: glossary terms, services and technologies from the YAML
files in consultancy/demo/, all published and related to each other, and
tagged with the tags of tags.yaml (by slug, with the names pages show).

Idempotent: items are matched by slug and saved only when their text differs,
so a second run changes nothing (not even "last updated" dates). Content that
editors added themselves is never touched.

With --if-empty (what `make run` uses) it loads only into a site with no
term, service or technology at all: a plain run puts the demo items' text
back, which would undo an editor's changes to them on every `make run`.

The items it creates or changes are kept as one revision set, "Loaded the
demo content" (README, "Revisions"); a run that changes nothing keeps none.
"""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from taggit.models import Tag

from consultancy.models import Status
from consultancy.relations import set_in_order
from consultancy.revisions.recording import kept_as_one_revision
from glossary.models import Term
from services.models import Service, Technology

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
REVISION_COMMENT = "Loaded the demo content"


def read_items(filename):
    path = DEMO_DIR / filename
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise CommandError(f"Cannot read demo content from {path}: {error}") from error


def load_tags(names):
    """
    The demo's tags as {slug: Tag}, looked up by slug and created with their
    display names ({slug: name}). A tag whose name is still its slug (as
    earlier versions of this command left them) gets the demo's name; one an
    editor renamed keeps the editor's.
    """
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=names)}
    for slug, name in names.items():
        tag = tags.get(slug)
        if tag is None:
            tags[slug] = Tag.objects.create(slug=slug, name=name)
        elif tag.name == slug != name:
            tag.name = name
            tag.save(update_fields=["name"])
    return tags


def tags_of(item, tags):
    missing = set(item.get("tags", [])) - set(tags)
    if missing:
        raise CommandError(
            f"{item['slug']} has tags that tags.yaml does not name: {', '.join(sorted(missing))}"
        )
    return [tags[slug] for slug in item.get("tags", [])]


def upsert(model, item, fields, tags):
    """Create or update one item by slug; return (object, created, changed)."""
    values = {field: item.get(field, "") for field in fields}
    obj = model.objects.filter(slug=item["slug"]).first()
    if obj is None:
        obj = model(slug=item["slug"], status=Status.PUBLISHED, **values)
        obj.full_clean(exclude=["tags"], validate_unique=True)
        obj.save()
        created, changed = True, True
    else:
        changed = any(getattr(obj, field) != value for field, value in values.items())
        if changed:
            for field, value in values.items():
                setattr(obj, field, value)
            obj.full_clean(exclude=["tags"])
            obj.save()
        created = False
    obj.tags.set(tags_of(item, tags))
    return obj, created, changed


def by_slug(model, slugs, source):
    objects = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = set(slugs) - set(objects)
    if missing:
        raise CommandError(
            f"{source} refers to unknown {model._meta.verbose_name} slugs: "
            + ", ".join(sorted(missing))
        )
    return [objects[slug] for slug in dict.fromkeys(slugs)]


class Command(BaseCommand):
    help = "Load (or refresh) the demo glossary, services and technologies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there is no term, service or technology yet; else do nothing.",
        )

    @transaction.atomic
    @kept_as_one_revision(REVISION_COMMENT)
    def handle(self, *args, if_empty=False, **options):
        if if_empty:
            existing = {
                model._meta.verbose_name_plural: model.objects.count()
                for model in (Term, Service, Technology)
            }
            if any(existing.values()):
                found = ", ".join(f"{count} {name}" for name, count in existing.items())
                self.stdout.write(
                    f"Demo content not loaded: the site already has content ({found})."
                )
                return
        counts = {}
        technologies = read_items("technologies.yaml")
        services = read_items("services.yaml")
        terms = read_items("terms.yaml")
        tags = load_tags(read_items("tags.yaml") or {})

        counts["technologies"] = self.load(
            Technology, technologies, ["name", "summary", "body"], tags
        )
        counts["services"] = self.load(
            Service, services, ["title", "summary", "body", "order"], tags
        )
        for item in services:
            service = Service.objects.get(slug=item["slug"])
            technologies_used = by_slug(Technology, item.get("technologies", []), service)
            set_in_order(service, "technologies", technologies_used)

        counts["terms"] = self.load(
            Term, terms, ["name", "abbreviation", "short_definition", "body"], tags
        )
        for item in terms:
            term = Term.objects.get(slug=item["slug"])
            # In the demo's order, which each term's page lists them in.
            for name, model in (
                ("related_terms", Term),
                ("services", Service),
                ("technologies", Technology),
            ):
                set_in_order(term, name, by_slug(model, item.get(name, []), term))

        for kind, (created, updated, total) in counts.items():
            self.stdout.write(f"{kind}: {created} created, {updated} updated, {total} in the demo")
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))

    def load(self, model, items, fields, tags):
        created = updated = 0
        for item in items:
            _, was_created, changed = upsert(model, item, fields, tags)
            created += was_created
            updated += changed and not was_created
        return created, updated, len(items)
