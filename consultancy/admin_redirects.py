"""The admin of redirects and of the most requested missing addresses."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from consultancy.models import MissingUrl, Redirect
from consultancy.redirect_forms import RedirectForm

TOP_MISSING_URLS = 100
MISSING_URL_DAYS = 30


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ["from_path", "target", "permanent", "source", "updated_at"]
    list_filter = ["source", "permanent"]
    search_fields = ["from_path", "to"]
    readonly_fields = ["source", "created_at", "updated_at"]
    fields = ["from_path", "to", "permanent", "source", "created_at", "updated_at"]
    list_per_page = 100

    @admin.display(description="to", ordering="to")
    def target(self, obj):
        return obj.to or "410 Gone"

    def save_model(self, request, obj, form, change):
        form.save()
        if form.resolved_from:
            self.message_user(
                request,
                f"{form.resolved_from} is itself redirected, so this redirect goes straight "
                f"to {obj.to}.",
                messages.INFO,
            )


@admin.register(MissingUrl)
class MissingUrlAdmin(admin.ModelAdmin):
    """Read only: the top missing paths of the last 30 days, not the daily rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # This view replaces ModelAdmin's, and with it the view permission check.
        if not self.has_view_permission(request):
            raise PermissionDenied
        add_url = reverse("admin:consultancy_redirect_add")
        rows = [
            {**row, "add_redirect_url": f"{add_url}?{urlencode({'from_path': row['path']})}"}
            for row in MissingUrl.objects.top(TOP_MISSING_URLS, MISSING_URL_DAYS)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"The {TOP_MISSING_URLS} most requested missing addresses "
            f"of the last {MISSING_URL_DAYS} days",
            "rows": rows,
            "can_add_redirect": request.user.has_perm("consultancy.add_redirect"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/consultancy/missingurl/top.html", context)
