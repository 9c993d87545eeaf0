"""JSON-LD of the glossary: the term set (the index) and each term (its page)."""

from django.conf import settings

from consultancy.links import url_for
from consultancy.structured_data import CONTEXT, absolute

GLOSSARY_NAME = "AI Glossary"


def defined_term_set(request):
    return {
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "@id": absolute(request, url_for("glossary:term_list")),
        "name": GLOSSARY_NAME,
        "url": absolute(request, url_for("glossary:term_list")),
        "description": f"Plain-English definitions of AI terms, by {settings.SITE_NAME}.",
    }


def defined_term(request, term):
    data = {
        "@context": CONTEXT,
        "@type": "DefinedTerm",
        "name": term.name,
        "description": term.short_definition,
        "url": absolute(request, term.get_absolute_url()),
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": absolute(request, url_for("glossary:term_list")),
            "name": GLOSSARY_NAME,
        },
    }
    # Every other name the term goes by, the abbreviation first: a list
    # always, so that readers of the data meet one shape.
    other_names = [name for name in (term.abbreviation, *term.alias_list) if name]
    if other_names:
        data["alternateName"] = other_names
    return data
