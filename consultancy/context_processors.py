from django.conf import settings


def site(request):
    """The site's name, for titles and structured data in every template."""
    return {"site_name": settings.SITE_NAME}
