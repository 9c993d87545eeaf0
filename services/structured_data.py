"""JSON-LD of service and technology pages."""

from consultancy.structured_data import CONTEXT, absolute, site_organization


def service(request, item):
    """A service, or a technology we offer work with: both are services to a client."""
    return {
        "@context": CONTEXT,
        "@type": "Service",
        "name": str(item),
        "description": item.summary,
        "url": absolute(request, item.get_absolute_url()),
        "provider": site_organization(request),
    }
