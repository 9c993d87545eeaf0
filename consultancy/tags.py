"""
Tags are shown by their name ("Generative AI") and linked by their slug
(?tag=generative-ai). Where only a slug names a new tag (a row of an import),
it gets a name made from the slug, which an editor can correct in the admin
(Tags): words cannot tell "AI" from "ai", so the name says "Generative Ai".
"""

import re

from django.db.models.functions import Lower
from taggit.models import Tag

SLUG_WORD_SEPARATORS = re.compile(r"[-_\s]+")


def name_from_slug(slug):
    """ "generative-ai" → "Generative Ai": the slug's words, each capitalised."""
    return " ".join(word.capitalize() for word in SLUG_WORD_SEPARATORS.split(slug) if word)


def create_from_slugs(slugs):
    """
    New tags, none of whose slugs exists yet, each named from its slug, as
    {slug: Tag}. Names are unique whatever their case (tags are looked up
    that way: TAGGIT_CASE_INSENSITIVE): a name another tag already has, or
    that two of these slugs would share, is the slug itself instead.
    """
    slugs = sorted(slugs)
    if not slugs:
        return {}
    names = {slug: name_from_slug(slug) or slug for slug in slugs}
    taken = set(
        Tag.objects.annotate(lower_name=Lower("name"))
        .filter(lower_name__in=[name.lower() for name in names.values()])
        .values_list("lower_name", flat=True)
    )
    created = {}
    for slug in slugs:
        name = names[slug]
        if name.lower() in taken:
            name = slug
        taken.add(name.lower())
        created[slug] = Tag.objects.create(name=name, slug=slug)
    return created
