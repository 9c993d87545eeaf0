"""
Who is asking: the visitor's address, shared by the contact form's rate
limits (services/spam.py) and the admin's login throttle (django-axes).
"""

from django.conf import settings


def client_ip(request):
    """
    The visitor's IP address. Behind ENQUIRY_PROXY_COUNT reverse proxies it is
    the address the outermost proxy saw, read from the right of X-Forwarded-For
    (entries further left are whatever the client chose to send).
    """
    proxies = settings.ENQUIRY_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
