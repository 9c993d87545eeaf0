"""
"Mentioned in": the published pages of every kind whose text links to a term,
read from the site's link index (consultancy.page_links), which is kept at
save time: the term page lists them in the same one query as its relations.
"""

from django.db.models import Subquery

from consultancy import content_types
from consultancy.models import BodyLink
from glossary.models import Term


def linking_to(kind_name, slug):
    """The link index's rows that point to the page of this item."""
    return BodyLink.objects.filter(target_kind=kind_name, target_slug=slug)


def mentioned_in(term_pk, now):
    """Querysets of the published items, one per kind, whose bodies link to the term."""
    slug = Subquery(Term.objects.filter(pk=term_pk).values("slug")[:1])
    querysets = []
    for kind in content_types.kinds():
        opts = kind.model._meta
        sources = linking_to("term", slug).filter(
            source_type__app_label=opts.app_label, source_type__model=opts.model_name
        )
        items = kind.model.objects.published(now=now).filter(pk__in=sources.values("source_id"))
        if kind.model is Term:
            items = items.exclude(pk=term_pk)
        querysets.append(items)
    return querysets
