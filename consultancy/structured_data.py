"""
schema.org JSON-LD for search engines, built from the page's own objects.
Each function returns a plain dict; templates print them with {% json_ld %}.
"""

from django.conf import settings

from consultancy.links import url_for

GLOSSARY_NAME = "AI Glossary"


def _absolute(request, path):
    return request.build_absolute_uri(path)


def organization(request):
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": _absolute(request, url_for("home")),
        "contactPoint": {
            "@type": "ContactPoint",
            "contactType": "sales",
            "url": _absolute(request, url_for("services:contact")),
        },
    }


def breadcrumb_list(request, crumbs):
    """crumbs: (name, path) pairs from Home to the current page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": _absolute(request, path),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def defined_term_set(request):
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": _absolute(request, url_for("glossary:term_list")),
        "name": GLOSSARY_NAME,
        "url": _absolute(request, url_for("glossary:term_list")),
        "description": f"Plain-English definitions of AI terms, by {settings.SITE_NAME}.",
    }


def defined_term(request, term):
    data = {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "name": term.name,
        "description": term.short_definition,
        "url": _absolute(request, term.get_absolute_url()),
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": _absolute(request, url_for("glossary:term_list")),
            "name": GLOSSARY_NAME,
        },
    }
    if term.abbreviation:
        data["alternateName"] = term.abbreviation
    return data


def service(request, item):
    """A service, or a technology we offer work with: both are services to a client."""
    return {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": str(item),
        "description": item.summary,
        "url": _absolute(request, item.get_absolute_url()),
        "provider": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": _absolute(request, url_for("home")),
        },
    }
