"""
What full_clean()'s database checks would say of every row of an import
(consultancy.imports), from one lookup per rule for the whole file rather
than a query per row and rule: unique fields and constraints, compared with
values loaded once, in batches of LOOKUP_BATCH.
"""

from functools import reduce
from operator import or_

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.db.models.functions import Lower

from consultancy.models import PublishableContent

LOOKUP_BATCH = 500


def in_batches(values, size=LOOKUP_BATCH):
    """`values` in lists of at most `size`: one lookup each."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def error_messages(error):
    """A ValidationError as the import report shows it: "field: message" lines."""
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _implied_checks(model):
    """
    The CheckConstraints every kind inherits from PublishableContent hold for
    an item that passed full_clean(): its status is one of the choices
    (clean_fields) and clean() dates a publication (stamp_publication_date).
    Asking the database again would be a query per row; it still enforces
    them when the rows are written.
    """
    names = {"app_label": model._meta.app_label, "class": model._meta.model_name}
    return {
        constraint.name % names
        for constraint in PublishableContent.Meta.constraints
        if isinstance(constraint, CheckConstraint)
    }


def _unique_rules(model):
    """
    (rules, others): each rule is (field names, compared case aside, the
    UniqueConstraint or None for unique=True), checked against values loaded
    once; others are the constraints a row still asks the database about (a
    kind's own CheckConstraint, a conditional UniqueConstraint).
    """
    # Items are matched by slug: a row's slug is its own item's or nobody's.
    rules = [
        ((f.name,), False, None)
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and f.name != "slug"
    ]
    rules += [(tuple(names), False, None) for names in model._meta.unique_together]
    others = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None:
            if constraint.fields:
                rules.append((tuple(constraint.fields), False, constraint))
                continue
            match constraint.expressions:
                case (Lower(source_expressions=[F(name=name)]),):
                    rules.append(((name,), True, constraint))
                    continue
        if constraint.name not in _implied_checks(model):
            others.append(constraint)
    return rules, others


def _key(item, names, lowered):
    values = tuple(getattr(item, item._meta.get_field(name).attname) for name in names)
    if any(value is None for value in values):
        return None  # NULLs never clash
    return tuple(v.lower() if lowered and isinstance(v, str) else v for v in values)


def _taken(model, names, lowered, keys):
    """{key: pk} of the stored items that hold one of `keys`, in batches."""
    found = {}
    for batch in in_batches(keys):
        if lowered:
            (name,) = names
            stored = (
                model._default_manager.order_by()
                .annotate(_key=Lower(name))
                .filter(_key__in=[key[0] for key in batch])
            )
            found.update(((key,), pk) for key, pk in stored.values_list("_key", "pk"))
        else:
            condition = reduce(or_, (Q(**dict(zip(names, key, strict=True))) for key in batch))
            stored = model._default_manager.order_by().filter(condition).values_list(*names, "pk")
            found.update((tuple(values), pk) for *values, pk in stored)
    return found


def unique_errors(model, outcomes, invalid):
    """
    What validate_unique() and validate_constraints() would say of each row,
    with the same messages, from one lookup per rule for the whole file: a
    value is taken when another stored item holds it (the file's own
    duplicates are reported by _plan_row).
    """
    rules, others = _unique_rules(model)
    for names, lowered, constraint in rules:
        keys = {_key(outcome.item, names, lowered) for outcome in outcomes} - {None}
        taken = _taken(model, names, lowered, keys)
        for outcome in outcomes:
            item, skipped = outcome.item, invalid[outcome.number]
            pk = taken.get(_key(item, names, lowered))
            if pk is None or pk == item.pk or skipped & set(names):
                continue
            if constraint is None:
                where = names[0] if len(names) == 1 else NON_FIELD_ERRORS
                error = ValidationError({where: item.unique_error_message(model, names)})
            else:
                error = ValidationError(constraint.get_violation_error_message())
            outcome.errors.extend(error_messages(error))
            skipped.update(names)
    for constraint in others:
        for outcome in outcomes:
            try:
                constraint.validate(model, outcome.item, exclude=invalid[outcome.number])
            except ValidationError as error:
                outcome.errors.extend(error_messages(error))
