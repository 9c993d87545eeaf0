"""
The glossary's links in the bodies of every kind of content: terms, services,
technologies, and any kind registered later (consultancy.body_links).

A body is linked when its item is saved (PublishableContent.render_body).
When a term changes (published, unpublished, renamed, given an alias, made
unlinkable, deleted) the *other* bodies that mention it are relinked:
at once when they are few, through the task queue when many
(glossary.tasks.relink_mentions), so that an editor's save stays fast
however often the term is mentioned.
"""

from types import SimpleNamespace

from consultancy import content_types
from consultancy.signals import saving_in_batch
from glossary.autolink import build_index, link_terms, mentions_of, relink
from glossary.models import Term


def link_body(item, html, link_index=None):
    """
    The linker registered with consultancy.body_links: terms linked in
    `html`. Not inside saves_batched() (an import): the batch links its
    bodies once it ends, against every term it wrote (relink_items()).
    """
    if not getattr(item, "auto_link", True) or saving_in_batch():
        return html
    if link_index is None:
        link_index = build_index(Term.objects.published(), [item.body])
    return link_terms(html, link_index, exclude_pk=item.pk if isinstance(item, Term) else None)


def described(terms):
    """What mentions_of() needs of each term, as plain data (a task's argument)."""
    return [
        {"pk": t.pk, "name": t.name, "abbreviation": t.abbreviation, "aliases": t.aliases}
        for t in terms
    ]


def mentioning(descriptions, exclude=None):
    """
    {kind: queryset} of the items whose bodies mention or link to the terms
    described (every item when `descriptions` is None), `exclude` left out:
    an item whose own save just linked it, as (kind name, pk).
    """
    if descriptions is not None:
        condition = mentions_of([SimpleNamespace(**one) for one in descriptions])
    found = {}
    for kind in content_types.kinds():
        items = kind.model.objects.all()
        if descriptions is not None:
            items = items.filter(condition)
        if exclude is not None and kind.name == exclude[0]:
            items = items.exclude(pk=exclude[1])
        found[kind] = items
    return found


def relink_now(descriptions=None, exclude=None):
    """Relink the bodies mentioning the terms described (mentioning()); how many were."""
    published = Term.objects.published()
    return sum(
        len(relink(items, published)) for items in mentioning(descriptions, exclude).values()
    )


def as_exclusion(item):
    """An item to leave out of mentioning(), as plain data: (kind name, pk)."""
    return None if item is None else [content_types.for_model(item).name, item.pk]


def relink_items(model, pks):
    """
    Link the bodies of `model`'s items `pks` afresh: items saved in a batch
    (link_body held them back), or the few a term's change touched.
    """
    relink(model.objects.filter(pk__in=pks), Term.objects.published())
