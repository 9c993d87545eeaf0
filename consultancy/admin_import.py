"""
Bulk import and export in the admin, for every kind's PublishableAdmin: an
action exporting the selected rows as CSV or JSON (what import_content
reads), and an import page (upload, preview of each row's outcome, confirm).

The uploaded text is kept for the confirm step in a hidden field signed with
django.core.signing, so an editor cannot change it between the preview and
the import; uploads are bounded in size (MAX_UPLOAD_BYTES).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path

from consultancy import content_io, content_types, imports
from consultancy.admin_urls import admin_url
from consultancy.cache import PageCacheUnavailable

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SIGNING_SALT = "consultancy.admin_import"
# The preview is valid this long: then the editor uploads again.
CONFIRM_MAX_AGE = 3600


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .json file as the export writes it, at most 2 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 2 MB: split it, or use the import_content command.",
                code="too_large",
            )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.", code="encoding") from None
        format = content_io.format_of(upload.name)
        try:
            content_io.read(text, format)
        except content_io.UnreadableFile as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return {"text": text, "format": format}


class ConfirmForm(forms.Form):
    data = forms.CharField(widget=forms.HiddenInput)

    def clean_data(self):
        try:
            return signing.loads(
                self.cleaned_data["data"], salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                "The preview has expired or was altered: upload the file again.", code="signature"
            ) from None


def _export_response(modeladmin, queryset, format):
    kind = content_types.for_model(modeladmin.model)
    text = content_io.export_items(content_io.for_export(queryset), [kind], format)
    content_type = "text/csv" if format == "csv" else "application/json"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind.name}s.{format}"'
    return response


class ImportExportAdminMixin:
    """Export actions and the import page; mixed into PublishableAdmin."""

    import_template = "admin/consultancy/import.html"
    # reversion's changelist (its "Recover deleted …" link) with "Import …".
    change_list_template = "admin/consultancy/content_change_list.html"

    def has_import_permission(self, request):
        """An import creates and changes items: it takes both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        context = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if action_location != ActionLocation.CHANGE_LIST:
            return actions
        for format in content_io.FORMATS:
            name = f"export_{format}"
            description = f"Export selected %(verbose_name_plural)s as {format.upper()}"
            actions[name] = (self._exporter(format), name, description)
        return actions

    @staticmethod
    def _exporter(format):
        def export(modeladmin, request, queryset):
            return _export_response(modeladmin, queryset, format)

        return export

    def get_urls(self):
        opts = self.model._meta
        view = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name=f"{opts.app_label}_{opts.model_name}_import",
        )
        return [view, *super().get_urls()]

    def import_view(self, request):
        """Upload, preview each row's outcome, then confirm: all rows or none."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        kind = content_types.for_model(self.model)
        upload, plan, signed = ImportForm(), None, None
        if request.method == "POST" and "data" in request.POST:
            confirm = ConfirmForm(request.POST)
            if confirm.is_valid():
                data = confirm.cleaned_data["data"]
                plan = imports.plan(content_io.read(data["text"], data["format"]), only=kind)
                if not plan.has_errors:
                    try:
                        imports.apply(plan, user=request.user)
                    except PageCacheUnavailable as error:
                        self.message_user(request, str(error), messages.ERROR)
                    else:
                        self.message_user(request, f"Imported. {plan.summary()}", messages.SUCCESS)
                        return HttpResponseRedirect(admin_url(self, "changelist"))
            else:
                upload.errors.update(file=confirm.errors["data"])
        elif request.method == "POST":
            upload = ImportForm(request.POST, request.FILES)
            if upload.is_valid():
                data = upload.cleaned_data["file"]
                plan = imports.plan(content_io.read(data["text"], data["format"]), only=kind)
                if not plan.has_errors:
                    signed = signing.dumps(data, salt=SIGNING_SALT, compress=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import {self.model._meta.verbose_name_plural}",
            "form": upload,
            "plan": plan,
            "rows": [str(row) for row in plan.rows] if plan else [],
            "signed": signed,
        }
        return TemplateResponse(request, self.import_template, context)
