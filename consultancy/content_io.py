"""
Rows of content as files hold them, for every registered kind (the registry,
consultancy.content_types): what export_content writes and import_content
reads, so that one reads exactly what the other wrote.

A row has `type` (the kind's name: "term", "service"…), the model's editable
fields by their names, each many-to-many relation the model declares as a
list of slugs (in the page's order), and `tags` as a list of tag slugs. In CSV a list is one cell,
its slugs separated by spaces (a slug never holds a space).
"""

import csv
import io
import json

from django.db.models import Prefetch
from taggit.managers import TaggableManager

from consultancy import content_types
from consultancy.relations import in_order, is_ordered, prefetch_in_order

FORMATS = ("csv", "json")
TYPE = "type"
TAGS = "tags"


def value_fields(model):
    """The editable stored fields a row carries, the primary key left out."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and not field.auto_created
    ]


def relation_fields(model):
    """The many-to-many relations the model declares (tags aside), by slug."""
    return [field for field in model._meta.many_to_many if not isinstance(field, TaggableManager)]


def columns(kinds):
    """Every column the kinds' rows use, in a stable order."""
    names = [TYPE]
    for kind in kinds:
        for field in [*value_fields(kind.model), *relation_fields(kind.model)]:
            if field.name not in names:
                names.append(field.name)
    return [*names, TAGS]


def for_export(queryset):
    """`queryset` with the relations and tags that rows list, in a fixed number of queries."""
    slugs = []
    for field in relation_fields(queryset.model):
        # The title too: items of the same place are listed by it (relations.in_order).
        title = content_types.for_model(field.related_model).title_field
        targets = field.related_model.objects.only("pk", "slug", title)
        slugs.append(
            prefetch_in_order(queryset.model, field.name, targets)
            if is_ordered(field)
            else Prefetch(field.name, queryset=targets)
        )
    return queryset.order_by("slug").prefetch_related(*slugs, "tags")


def related_slugs(item, field):
    """The slugs `item` is related to: in the editor's order, or sorted if there is none."""
    if is_ordered(field):
        return [other.slug for other in in_order(item, field.name)]
    return sorted(other.slug for other in getattr(item, field.name).all())


def row_of(item):
    """One item as a row: native values (JSON), lists of slugs."""
    row = {TYPE: content_types.for_model(item).name}
    for field in value_fields(type(item)):
        value = field.value_from_object(item)
        row[field.name] = (
            value
            if value is None or isinstance(value, (bool, int, str))
            else field.value_to_string(item)
        )
    for field in relation_fields(type(item)):
        row[field.name] = related_slugs(item, field)
    row[TAGS] = sorted(tag.slug for tag in item.tags.all())
    return row


def write(rows, format, stream, kinds):
    """Write rows (from row_of) to a text stream as CSV or JSON."""
    if format == "json":
        json.dump(list(rows), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
        return
    writer = csv.DictWriter(stream, fieldnames=columns(kinds), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})


def _cell(value):
    if isinstance(value, list):
        return " ".join(value)
    return "" if value is None else str(value)


def export(kinds, format):
    """Every item of `kinds` as a CSV or JSON text."""
    items = (item for kind in kinds for item in for_export(kind.model.objects.all()))
    return export_items(items, kinds, format)


def export_items(items, kinds, format):
    """`items` (of `kinds`, from for_export) as a CSV or JSON text."""
    stream = io.StringIO()
    write((row_of(item) for item in items), format, stream, kinds)
    return stream.getvalue()


class UnreadableFile(ValueError):
    """The file is not CSV or JSON rows as export_content writes them."""


def read(text, format):
    """The rows of a CSV or JSON text, as dicts; UnreadableFile if it is neither."""
    if format == "json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise UnreadableFile(f"Not valid JSON: {error}.") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise UnreadableFile("The JSON file must be a list of objects, one per item.")
        return rows
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or TYPE not in reader.fieldnames:
        raise UnreadableFile(f'The CSV file needs a header row with a "{TYPE}" column.')
    return [{key: value for key, value in row.items() if key is not None} for row in reader]


def slugs_in(value):
    """A list of slugs as a cell or a JSON value holds it, in its order, each once."""
    if value is None:
        return []
    if isinstance(value, str):
        return list(dict.fromkeys(value.replace(",", " ").split()))
    return list(dict.fromkeys(str(slug) for slug in value))


def format_of(filename, default="csv"):
    """The format a file name says (".json" or ".csv")."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in FORMATS else default
