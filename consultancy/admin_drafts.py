"""
Drafts of live content in the admin (consultancy.drafts): "Save as draft" on
a published item's change form, a banner saying since when it has
unpublished changes, a preview, "Discard", and a changelist filter. Saving
the form (which the draft fills in) publishes the changes.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST

from consultancy import drafts
from consultancy.admin_urls import admin_url
from consultancy.models import Draft
from consultancy.views import DraftPreviewView

SAVE_DRAFT = "_save_draft"


class UnpublishedChangesFilter(admin.SimpleListFilter):
    title = "unpublished changes"
    parameter_name = "unpublished_changes"

    def lookups(self, request, model_admin):
        return [("yes", "Has unpublished changes"), ("no", "No unpublished changes")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(has_draft=True)
            case "no":
                return queryset.filter(has_draft=False)
        return queryset


class DraftsAdminMixin:
    change_form_template = "admin/consultancy/change_form.html"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(has_draft=Draft.objects.exists_for(self.model))
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/draft/preview/",
                self.admin_site.admin_view(self.draft_preview_view),
                name="{}_{}_draft_preview".format(*info),
            ),
            path(
                "<path:object_id>/draft/discard/",
                self.admin_site.admin_view(require_POST(self.discard_draft_view)),
                name="{}_{}_draft_discard".format(*info),
            ),
            *super().get_urls(),
        ]

    def _changeable(self, request, object_id):
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_change_permission(request, item):
            raise Http404
        return item

    def change_view(self, request, object_id, form_url="", extra_context=None):
        saving_draft = request.method == "POST" and SAVE_DRAFT in request.POST
        if saving_draft and (saved := self._save_draft(request, object_id)) is not None:
            return saved
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _draft(request, item):
        """The item's draft, read once per request (the form and the page both ask)."""
        if not hasattr(request, "content_draft"):
            request.content_draft = drafts.draft_of(item)
        return request.content_draft

    def _save_draft(self, request, object_id):
        """A valid form is kept as the draft; an invalid one goes on to show its errors."""
        item = self._changeable(request, object_id)
        if not item.is_public:
            return None  # Saving a draft or scheduled item changes no live page.
        fields = flatten_fieldsets(self.get_fieldsets(request, item))
        form_class = self.get_form(request, item, change=True, fields=fields)
        form = form_class(request.POST, request.FILES, instance=item)
        if not form.is_valid():
            return None
        drafts.save_draft(item, form, request.user)
        self.log_change(request, item, "Saved unpublished changes (a draft).")
        self.message_user(
            request,
            f"Your changes to “{item}” are saved as a draft. The published page is "
            "unchanged until you save the form without “as draft”.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or request.method != "GET" or (draft := self._draft(request, obj)) is None:
            return form
        initial = drafts.form_initial(draft, self.model)

        def __init__(self, *args, **kwargs):
            form.__init__(self, *args, **kwargs)
            if not self.is_bound:
                self.initial.update(initial)

        return type(form.__name__, (form,), {"__init__": __init__})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            draft = self._draft(request, obj) if request.method == "GET" else drafts.draft_of(obj)
            context.update(
                can_save_draft=obj.is_public and self.has_change_permission(request, obj),
                draft=draft,
                draft_preview_url=admin_url(self, "draft_preview", obj.pk) if draft else "",
                draft_discard_url=admin_url(self, "draft_discard", obj.pk) if draft else "",
                live_changed_since_draft=draft is not None and obj.updated_at > draft.created_at,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saving the form publishes what it holds, a draft it was filled with included.
        if change and drafts.discard(obj):
            self.message_user(request, "The unpublished changes are now published.")

    def draft_preview_view(self, request, object_id):
        item = self._changeable(request, object_id)
        return DraftPreviewView.as_view(model=self.model)(request, pk=item.pk)

    def discard_draft_view(self, request, object_id):
        item = self._changeable(request, object_id)
        if drafts.discard(item):
            self.log_change(request, item, "Discarded unpublished changes.")
            self.message_user(request, "The unpublished changes are discarded.", messages.SUCCESS)
        return HttpResponseRedirect(admin_url(self, "change", item.pk))
