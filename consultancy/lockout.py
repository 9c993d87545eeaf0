"""
The page a locked-out admin login gets (django-axes calls lockout_response).

It has the admin's own look and header, so that a member of staff who
mistyped a password five times knows what happened and how long to wait;
the 429 status and Retry-After header tell a script the same.
"""

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render


def lockout_response(request, original_response, credentials):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "cool_off_minutes": minutes,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
