"""
The admin pages of django-axes that this site fills. "Access attempts" stays:
it is where a superuser sees and lifts a lockout. The access log is off
(AXES_DISABLE_ACCESS_LOG) and so is the access failure log (axes' default), so
their pages would always be empty: they are not offered.
"""

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin

if getattr(settings, "AXES_DISABLE_ACCESS_LOG", False) and admin.site.is_registered(AccessLog):
    admin.site.unregister(AccessLog)
if not getattr(settings, "AXES_ENABLE_ACCESS_FAILURE_LOG", False) and admin.site.is_registered(
    AccessFailureLog
):
    admin.site.unregister(AccessFailureLog)
