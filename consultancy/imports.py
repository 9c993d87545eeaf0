"""
Importing rows of content (consultancy.content_io): first a plan, which
reads what exists in a few bulk queries and says per row what would happen
(created, updated and which fields, unchanged, or the errors, as the model's
full_clean() words them); then, only when no row has an error, the writes,
in one transaction, every save through save() so that each item derives its
own fields.

The plan runs the same number of queries for 1 row as for 500: full_clean()
would ask the database once per row and rule (a unique name, each
constraint), so it runs without those checks and the plan compares each row
with values loaded once for the whole file (consultancy.import_checks).

Per-save side effects that would redo work thousands of times (relinking
other glossary terms) are held back for the import (consultancy.signals
saves_batched) and done once at the end, by content_changed.
"""

from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from taggit.models import Tag, TaggedItem

from consultancy import content_io, content_types
from consultancy.import_checks import LOOKUP_BATCH, error_messages, in_batches, unique_errors
from consultancy.relations import is_ordered, prefetch_in_order, set_in_order
from consultancy.revisions.restore import record
from consultancy.signals import content_changed, saves_batched
from consultancy.tags import create_from_slugs

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"


@dataclass
class RowOutcome:
    number: int
    kind: str
    slug: str
    outcome: str = UNCHANGED
    fields: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    item: object = None
    relations: dict = field(default_factory=dict)

    def __str__(self):
        where = f"row {self.number} {self.kind or '?'} {self.slug or '?'}"
        if self.outcome == UPDATED:
            return f"{where}: updated ({', '.join(self.fields)})"
        if self.outcome == ERROR:
            return f"{where}: error: {'; '.join(self.errors)}"
        return f"{where}: {self.outcome}"


@dataclass
class Plan:
    rows: list

    @property
    def has_errors(self):
        return any(row.outcome == ERROR for row in self.rows)

    def count(self, outcome):
        return sum(row.outcome == outcome for row in self.rows)

    def summary(self):
        counts = ", ".join(
            f"{self.count(outcome)} {outcome}" for outcome in (CREATED, UPDATED, UNCHANGED, ERROR)
        )
        return f"{len(self.rows)} rows: {counts}."


def _existing(model, slugs):
    """{slug: item} with its relations' and tags' slugs loaded, in batches."""
    found = {}
    for batch in in_batches(slugs):
        for item in content_io.for_export(model.objects.filter(slug__in=batch)):
            found[item.slug] = item
    return found


def _slug_pks(model, slugs):
    found = {}
    for batch in in_batches(slugs):
        found.update(model.objects.filter(slug__in=batch).values_list("slug", "pk"))
    return found


def plan(rows, progress=None, only=None):
    """
    What importing `rows` would do, row by row; nothing is written. `only`:
    one ContentKind, the rows of any other are errors (an admin page's kind).
    """
    outcomes = []
    by_kind = {}
    for number, row in enumerate(rows, start=1):
        name = str(row.get(content_io.TYPE) or "").strip()
        outcome = RowOutcome(number, name, str(row.get("slug") or "").strip())
        outcomes.append(outcome)
        try:
            kind = content_types.get(name)
        except LookupError:
            known = ", ".join(kind.name for kind in content_types.kinds())
            outcome.outcome = ERROR
            outcome.errors.append(f'Unknown type "{name}" (one of {known}).')
            continue
        if only is not None and kind != only:
            outcome.outcome = ERROR
            outcome.errors.append(f'Only "{only.name}" rows are imported here.')
            continue
        by_kind.setdefault(kind, []).append((outcome, row))

    # Slugs a relation may name: those that exist, and those this file creates.
    in_file = {
        kind.model: {outcome.slug for outcome, _ in pairs if outcome.slug}
        for kind, pairs in by_kind.items()
    }
    wanted = {}
    tag_slugs = set()
    for kind, pairs in by_kind.items():
        for _, row in pairs:
            for relation in content_io.relation_fields(kind.model):
                wanted.setdefault(relation.related_model, set()).update(
                    content_io.slugs_in(row.get(relation.name))
                )
            tag_slugs.update(content_io.slugs_in(row.get(content_io.TAGS)))
    known = {model: _slug_pks(model, slugs) for model, slugs in wanted.items()}
    tags = {
        tag.slug: tag
        for batch in in_batches(tag_slugs)
        for tag in Tag.objects.filter(slug__in=batch)
    }

    for kind, pairs in by_kind.items():
        existing = _existing(kind.model, {outcome.slug for outcome, _ in pairs})
        seen = {"slugs": {}, "titles": {}, "phrases": {}}
        invalid = {}
        for outcome, row in pairs:
            invalid[outcome.number] = _plan_row(
                kind, outcome, row, existing, known, in_file, tags, seen
            )
        unique_errors(kind.model, [outcome for outcome, _ in pairs], invalid)
        for outcome, _ in pairs:
            _conclude(outcome)
            if progress:
                progress(1)
    return Plan(outcomes)


def _plan_row(kind, outcome, row, existing, known, in_file, tags, seen):
    model = kind.model
    seen_slugs, seen_titles = seen["slugs"], seen["titles"]
    allowed = {
        content_io.TYPE,
        content_io.TAGS,
        *(f.name for f in content_io.value_fields(model)),
        *(f.name for f in content_io.relation_fields(model)),
    }
    errors = outcome.errors
    unknown = sorted(
        key for key, value in row.items() if key not in allowed and value not in ("", None)
    )
    if unknown:
        errors.append(f"Unknown column for a {kind.name}: {', '.join(unknown)}.")
    if outcome.slug in seen_slugs:
        errors.append(f'Duplicate slug "{outcome.slug}": also in row {seen_slugs[outcome.slug]}.')
    seen_slugs.setdefault(outcome.slug, outcome.number)
    title = str(row.get(kind.title_field) or "").strip().lower()
    if title and title in seen_titles:
        errors.append(
            f'Duplicate {kind.title_field} "{row[kind.title_field]}": '
            f"also in row {seen_titles[title]}."
        )
    seen_titles.setdefault(title, outcome.number)

    item = existing.get(outcome.slug)
    is_new = item is None
    if is_new:
        item = model()
    changed = []
    for model_field in content_io.value_fields(model):
        if model_field.name not in row:
            continue
        value = row[model_field.name]
        try:
            if value in ("", None) and model_field.null:
                value = None
            elif value is None:
                value = ""
            else:
                value = model_field.to_python(value)
        except ValidationError as error:
            errors.extend(f"{model_field.name}: {message}" for message in error.messages)
            continue
        if getattr(item, model_field.attname) != value:
            setattr(item, model_field.attname, value)
            changed.append(model_field.name)
    item.stamp_publication_date()
    errors.extend(_phrases_claimed_twice(item, outcome.number, seen["phrases"]))

    for relation in content_io.relation_fields(model):
        if relation.name not in row:
            continue
        slugs = content_io.slugs_in(row[relation.name])
        target = relation.related_model
        missing = sorted(
            slug
            for slug in slugs
            if slug not in known[target] and slug not in in_file.get(target, ())
        )
        if missing:
            errors.append(f"{relation.name}: unknown slug {', '.join(missing)}.")
        if target is model and outcome.slug in slugs:
            errors.append(f"{relation.name}: a {kind.name} cannot be related to itself.")
        before = [] if is_new else content_io.related_slugs(item, relation)
        if (slugs if is_ordered(relation) else sorted(slugs)) != before:
            outcome.relations[relation.name] = slugs
            changed.append(relation.name)
    if content_io.TAGS in row:
        slugs = set(content_io.slugs_in(row[content_io.TAGS]))
        before = set() if is_new else {tag.slug for tag in item.tags.all()}
        if slugs != before:
            outcome.relations[content_io.TAGS] = slugs
            changed.append(content_io.TAGS)

    outcome.item, outcome.fields = item, changed
    try:
        # Uniqueness and constraints: for every row at once (consultancy.import_checks).
        item.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.extend(error_messages(error))
        # As full_clean() does: a field in error is not checked for uniqueness.
        return set(getattr(error, "error_dict", {}))
    return set()


def _conclude(outcome):
    if outcome.errors:
        outcome.outcome, outcome.fields = ERROR, []
    elif outcome.item.pk is None:
        outcome.outcome = CREATED
    elif outcome.fields:
        outcome.outcome = UPDATED


def _phrases_claimed_twice(item, number, seen):
    """
    Phrases that lead to one item alone (a term's aliases: the model's
    claimed_phrases()) and that an earlier row of the file claims too:
    full_clean() compares with the database only. Two names alike are the
    title check's to report.
    """
    claimed = getattr(item, "claimed_phrases", None)
    if claimed is None:
        return
    for key, (phrase, is_title) in claimed().items():
        earlier = seen.setdefault(key, (number, is_title))
        if earlier[0] != number and not (is_title and earlier[1]):
            yield f"“{phrase}” is also a name or alias in row {earlier[0]}."


def apply(plan, progress=None, user=None):
    """
    Write a plan without errors, all rows or none: one transaction. Each
    changed item is saved with save(); relations are set once every item has
    a primary key; other terms are relinked once, at the end. The changed
    items are kept as one revision set ("Imported"), attributed to `user`.
    A cache that cannot be made stale (PageCacheUnavailable) undoes it all.
    """
    if plan.has_errors:
        raise ValueError("A plan with errors is not imported.")
    to_write = [row for row in plan.rows if row.outcome in (CREATED, UPDATED)]
    with transaction.atomic(), reversion.create_revision(manage_manually=True):
        if user is not None:
            reversion.set_user(user)
        _write(to_write, progress)
        # After the batch: what its saves held back is done now, once, and
        # in the same transaction, so that a failure undoes the import.
        changed = {}
        for row in to_write:
            changed.setdefault(type(row.item), []).append(row.item.pk)
        for model, model_pks in changed.items():
            # Their bodies were saved without the links other apps add
            # (consultancy.body_links): one pass links them all now.
            content_changed.send(sender=model, pks=model_pks, bodies_unlinked=True)
        items = [row.item for row in to_write]
        _prefetch_ordered(items)
        record(items, "Imported")
    return plan


def _prefetch_ordered(items):
    """Each item's ordered relations read in one query per relation, for their revisions."""
    by_model = {}
    for item in items:
        by_model.setdefault(type(item), []).append(item)
    for model, same in by_model.items():
        ordered = [f.name for f in content_io.relation_fields(model) if is_ordered(f)]
        prefetch_related_objects(same, *(prefetch_in_order(model, name) for name in ordered))


def _write(to_write, progress):
    with saves_batched():
        for row in to_write:
            if set(row.fields) - {*row.relations} or row.outcome == CREATED:
                row.item.save()
            if progress:
                progress(1)
        slugs = {}
        for row in to_write:
            for name in row.relations:
                if name != content_io.TAGS:
                    model = row.item._meta.get_field(name).related_model
                    slugs.setdefault(model, set()).update(row.relations[name])
        pks = {model: _slug_pks(model, wanted) for model, wanted in slugs.items()}
        tag_slugs = {slug for row in to_write for slug in row.relations.get(content_io.TAGS, ())}
        tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=tag_slugs)}
        # Existing tags keep their names; new ones are named from their slugs.
        tags.update(create_from_slugs(tag_slugs - set(tags)))
        # A new item's tags are all new rows: written in one INSERT for the file.
        new_tags = []
        for row in to_write:
            for name, wanted in row.relations.items():
                if name == content_io.TAGS and row.outcome == CREATED:
                    kind_type = ContentType.objects.get_for_model(type(row.item))
                    new_tags += [
                        TaggedItem(content_type=kind_type, object_id=row.item.pk, tag=tags[slug])
                        for slug in wanted
                    ]
                elif name == content_io.TAGS:
                    row.item.tags.set([tags[slug] for slug in wanted])
                else:
                    relation = row.item._meta.get_field(name)
                    related = [pks[relation.related_model][slug] for slug in wanted]
                    if is_ordered(relation):
                        set_in_order(row.item, name, related)
                    else:
                        getattr(row.item, name).set(related)
        TaggedItem.objects.bulk_create(new_tags, batch_size=LOOKUP_BATCH)
