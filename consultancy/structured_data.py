"""
schema.org JSON-LD for search engines, built from the page's own objects.
Each function returns a plain dict; templates print them with {% json_ld %}.
What describes one kind of content lives in its app and is named by its
registration (consultancy.content_types): glossary/structured_data.py, …
"""

from django.conf import settings

from consultancy.links import url_for

CONTEXT = "https://schema.org"


def absolute(request, path):
    return request.build_absolute_uri(path)


def site_organization(request):
    """The site's owner, as a nested value (no @context)."""
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute(request, url_for("home")),
    }


def organization(request):
    return {
        "@context": CONTEXT,
        **site_organization(request),
        "contactPoint": {
            "@type": "ContactPoint",
            "contactType": "sales",
            "url": absolute(request, url_for("services:contact")),
        },
    }


def breadcrumb_list(request, crumbs):
    """crumbs: (name, path) pairs from Home to the current page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, path),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }
