"""
Response headers that Django's SecurityMiddleware does not set.

Permissions-Policy turns off the browser features the site never uses
(camera, microphone, geolocation…), so that no page, and no script injected
into one, can prompt a visitor for them. It sits beside SecurityMiddleware at
the top of MIDDLEWARE: every response passes through it on the way out, static
files and cached pages included (a cached page replays the headers it was
stored with, and those never include this one).
"""

from django.conf import settings


def permissions_policy(denied):
    """The header value that allows each feature in `denied` to no origin at all."""
    return ", ".join(f"{feature}=()" for feature in denied)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy(settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
