from django.conf import settings


def site(request):
    """
    The site's name, for titles and structured data in every template, and the
    reply promise made to visitors, in the same words wherever it is shown.
    """
    return {"site_name": settings.SITE_NAME, "reply_promise": settings.ENQUIRY_REPLY_PROMISE}
