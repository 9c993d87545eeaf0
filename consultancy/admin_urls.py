"""
The one way the project's ModelAdmins name their own admin pages: under the
admin site they belong to (never a hard-coded "admin:" namespace), with the
object id quoted as the admin quotes it.
"""

from django.contrib.admin.utils import quote
from django.urls import reverse


def admin_url(model_admin, view, object_id=None):
    """The URL of `model_admin`'s page `view` ("changelist", "change", "history"…)."""
    opts = model_admin.opts
    name = f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}"
    return reverse(name, args=[] if object_id is None else [quote(object_id)])
