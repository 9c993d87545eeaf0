"""
First touch: the landing page, referrer and UTM parameters of a visit that
arrived by a campaign link, kept so that an enquiry sent pages later is still
credited to the campaign.

It is kept in the visitor's browser, in a signed cookie, not on the server: a
campaign visit writes nothing to the database (no session row) unless the
visitor sends an enquiry, which records it. The signature makes a forged or
altered cookie worthless, so it is ignored like a missing one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

from services.models.enquiry import URL_MAX_LENGTH, UTM_FIELDS, UTM_MAX_LENGTH
from services.text import printable

FIRST_TOUCH_COOKIE = "first_touch"
FIRST_TOUCH_SALT = "services.first-touch"
FIRST_TOUCH_MAX_AGE = 30 * 24 * 60 * 60
# Browsers keep a cookie of up to 4 KB with its name and attributes; longer
# values are cut until the signed value fits in this.
FIRST_TOUCH_MAX_BYTES = 3000
TOUCH_LIMITS = {
    "landing_page": URL_MAX_LENGTH,
    "referrer": URL_MAX_LENGTH,
    **dict.fromkeys(UTM_FIELDS, UTM_MAX_LENGTH),
}


class FirstTouchMiddleware:
    """
    Sets the first-touch cookie on a campaign visit that has none yet. Other
    requests are left alone: no cookie, no session, nothing stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "GET"
            and any(name in request.GET for name in UTM_FIELDS)
            and not first_touch(request)
        ):
            remember_first_touch(response, touch_of(request))
        return response


def external_referrer(request):
    referrer = request.META.get("HTTP_REFERER", "")
    try:
        host = urlsplit(referrer).netloc
    except ValueError:  # "http://[x": a made-up header, not a page.
        return ""
    if host and host != request.get_host():
        return printable(referrer, URL_MAX_LENGTH)
    return ""


def touch_of(request):
    """This request as a first touch: where it landed, who sent it, which campaign."""
    touch = {
        "landing_page": printable(request.get_full_path(), URL_MAX_LENGTH),
        "referrer": external_referrer(request),
    }
    for name in UTM_FIELDS:
        touch[name] = printable(request.GET.get(name, ""), UTM_MAX_LENGTH)
    return touch


def signed_touch(touch):
    """The touch, signed, in at most FIRST_TOUCH_MAX_BYTES: long values are cut until it fits."""
    limit = max(map(len, touch.values()), default=0)
    while True:
        value = signing.dumps(
            {name: text[:limit] for name, text in touch.items()},
            salt=FIRST_TOUCH_SALT,
            compress=True,
        )
        if len(value) <= FIRST_TOUCH_MAX_BYTES or limit == 0:
            return value
        limit //= 2


def remember_first_touch(response, touch):
    response.set_cookie(
        FIRST_TOUCH_COOKIE,
        signed_touch(touch),
        max_age=FIRST_TOUCH_MAX_AGE,
        secure=settings.SECURE_SSL_REDIRECT,
        httponly=True,
        samesite="Lax",
    )


def first_touch(request):
    """
    The visit's first touch, or {} when its cookie is missing, forged, altered
    or older than FIRST_TOUCH_MAX_AGE. Reads nothing from the database.
    """
    try:
        touch = signing.loads(
            request.COOKIES.get(FIRST_TOUCH_COOKIE, ""),
            salt=FIRST_TOUCH_SALT,
            max_age=FIRST_TOUCH_MAX_AGE,
        )
    except signing.BadSignature:
        return {}
    if not isinstance(touch, dict):
        return {}
    return {
        name: touch[name][:limit]
        for name, limit in TOUCH_LIMITS.items()
        if isinstance(touch.get(name), str)
    }
