"""
First touch: the landing page, referrer and UTM parameters of a visit that
arrived by a campaign link, kept so that an enquiry sent pages later is still
credited to the campaign.
"""

from urllib.parse import urlsplit

from services.models.enquiry import URL_MAX_LENGTH, UTM_FIELDS, UTM_MAX_LENGTH
from services.text import printable

FIRST_TOUCH_SESSION_KEY = "enquiry_first_touch"


class FirstTouchMiddleware:
    """
    Records the first touch of a campaign visit in the session. Other requests
    do not touch the session at all: no session is created (and no database
    row written) for ordinary visitors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and any(name in request.GET for name in UTM_FIELDS):
            record_first_touch(request)
        return self.get_response(request)


def external_referrer(request):
    referrer = request.META.get("HTTP_REFERER", "")
    try:
        host = urlsplit(referrer).netloc
    except ValueError:  # "http://[x": a made-up header, not a page.
        return ""
    if host and host != request.get_host():
        return printable(referrer, URL_MAX_LENGTH)
    return ""


def record_first_touch(request):
    """Keep this request as the visit's first touch, unless one is already kept."""
    if FIRST_TOUCH_SESSION_KEY in request.session:
        return
    touch = {
        "landing_page": printable(request.get_full_path(), URL_MAX_LENGTH),
        "referrer": external_referrer(request),
    }
    for name in UTM_FIELDS:
        touch[name] = printable(request.GET.get(name, ""), UTM_MAX_LENGTH)
    request.session[FIRST_TOUCH_SESSION_KEY] = touch


def first_touch(request):
    """The visit's first touch, or {}: reads nothing, writes nothing without a session cookie."""
    return request.session.get(FIRST_TOUCH_SESSION_KEY) or {}
