"""The editing experience shared by terms, services and technologies."""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag

from consultancy import (
    admin_axes,  # noqa: F401 (leaves out axes' pages that are always empty)
    admin_redirects,  # noqa: F401 (registers the redirects' admin)
    content_types,
)
from consultancy.admin_drafts import DraftsAdminMixin, UnpublishedChangesFilter
from consultancy.admin_import import ImportExportAdminMixin
from consultancy.admin_relations import OrderedRelationsAdminMixin
from consultancy.admin_urls import admin_url
from consultancy.cache import PageCacheUnavailable, can_make_pages_stale
from consultancy.editing import EditingAidsForm
from consultancy.models import Status
from consultancy.revisions.compare import compare
from consultancy.revisions.restore import record, restore, restore_tags

# A body longer than this is not previewed in full (bodies are a few pages).
PREVIEW_MAX_LENGTH = 100_000

SEO_FIELDSET = (
    "SEO",
    {
        "classes": ["collapse"],
        "fields": ["seo_title", "meta_description"],
        "description": "Optional. Blank fields fall back to the name and one-line text.",
    },
)
PUBLISHING_FIELDSET = (
    "Publishing",
    {"fields": ["status", "published_at", "created_at", "updated_at"]},
)


def count_column(annotation, description):
    """A sortable changelist column showing a count annotated by the queryset."""

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    column.__name__ = annotation
    return column


class UsedTagListFilter(admin.SimpleListFilter):
    """Tags actually used by this kind of content, not every tag on the site."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        content_type = ContentType.objects.get_for_model(model_admin.model)
        tags = (
            Tag.objects.filter(taggit_taggeditem_items__content_type=content_type)
            .distinct()
            .order_by("name")
        )
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class PageCacheCheckedForm:
    """
    Refuses an edit, with every value kept in the form, while the page cache
    cannot be made stale: saved, it would not show on the site.
    """

    def clean(self):
        cleaned_data = super().clean()
        if not can_make_pages_stale():
            raise forms.ValidationError(PageCacheUnavailable.message, code="page_cache_unavailable")
        return cleaned_data


class PublicationFilter(admin.SimpleListFilter):
    """Draft, scheduled (published with a date to come) or live: not just the status field."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("live", "Published"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.published()
            case "scheduled":
                return queryset.scheduled()
            case "draft":
                return queryset.drafts()
        return queryset


class PublishableAdmin(
    DraftsAdminMixin, OrderedRelationsAdminMixin, ImportExportAdminMixin, VersionAdmin
):
    list_filter = [PublicationFilter, UnpublishedChangesFilter, UsedTagListFilter, "published_at"]
    date_hierarchy = "published_at"
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 100
    show_full_result_count = False
    save_on_top = True
    object_history_template = "admin/revisions/object_history.html"
    history_latest_first = True

    def get_queryset(self, request):
        # Counts and tags for the changelist columns, in a fixed number of queries.
        return super().get_queryset(request).with_relation_counts().prefetch_related("tags")

    def get_search_results(self, request, queryset, search_term):
        """
        An exact name first (case aside), then the rest in their order: in a
        relation's autocomplete, "Retrieval" comes before "Adaptive Retrieval".
        The changelist applies its own ordering afterwards.
        """
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            title = content_types.for_model(self.model).title_field
            exact = Case(When(**{f"{title}__iexact": term}, then=0), default=1)
            ordering = queryset.query.order_by or self.model._meta.ordering
            queryset = queryset.order_by(exact, *ordering)
        return queryset, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        preview_url = admin_url(self, "markdown_preview")
        return type(
            form.__name__,
            (PageCacheCheckedForm, EditingAidsForm, form),
            {"preview_url": preview_url},
        )

    def markdown_preview_view(self, request):
        """The body as the page will show it (links included), for the form's preview."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        text = request.POST.get("text", "")[:PREVIEW_MAX_LENGTH]
        return JsonResponse({"html": self.model(body=text).render_body()})

    def _refused_when_pages_stay_stale(self, request, view, *args, **kwargs):
        """
        The cache failed after the form was accepted (or in a delete, an
        action, a list edit): the transaction is rolled back, and the editor
        is told so on the page they were on.
        """
        try:
            return view(request, *args, **kwargs)
        except PageCacheUnavailable as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Outermost, around VersionAdmin's revision: a save refused by the cache
    # leaves no revision of content that was rolled back.
    def add_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(request, super().add_view, *args, **kwargs)

    def change_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(request, super().change_view, *args, **kwargs)

    def recover_view(self, request, version_id, extra_context=None):
        # reversion's raw revert leaves out the tags: get_object() adds them.
        request.recovered_version = get_object_or_404(Version, pk=version_id)
        return self._refused_when_pages_stay_stale(
            request, super().recover_view, version_id, extra_context
        )

    def get_object(self, request, object_id, from_field=None):
        item = super().get_object(request, object_id, from_field)
        version = getattr(request, "recovered_version", None)
        if item is not None and version is not None:
            # Inside reversion's transaction: kept only if the form is saved.
            restore_tags(item, version)
        return item

    def delete_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(
            request, super().changelist_view, *args, **kwargs
        )

    # Revisions (README, "Revisions").

    def reversion_register(self, model, **kwargs):
        """Kinds are registered from the content registry (consultancy.revisions)."""

    @contextmanager
    def create_revision(self, request):
        # Managed manually: the item is stored once, when its relations and
        # tags are saved too, rather than again at each post_save/m2m_changed.
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            yield

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reversion.add_to_revision(form.instance)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(self.markdown_preview_view),
                name="{}_{}_markdown_preview".format(*info),
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _versions(self, object_id):
        return Version.objects.get_for_object_reference(self.model, object_id).select_related(
            "revision__user"
        )

    def _compare_url(self, object_id, old, new):
        return f"{admin_url(self, 'compare', object_id)}?from={old}&to={new}"

    def history_view(self, request, object_id, extra_context=None):
        versions = list(self._versions(unquote(object_id)).order_by("-pk"))
        context = {
            "versions": versions,
            "compare_url": admin_url(self, "compare", unquote(object_id)),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """reversion's revert form: the comparison with the current revision instead."""
        latest = self._versions(unquote(object_id)).order_by("-pk").first()
        if latest is None:
            raise Http404
        return HttpResponseRedirect(self._compare_url(unquote(object_id), version_id, latest.pk))

    def compare_view(self, request, object_id):
        """Two revisions side by side (`?from=<version id>&to=<version id>`)."""
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_view_or_change_permission(request, item):
            raise Http404
        try:
            wanted = [int(request.GET["from"]), int(request.GET["to"])]
        except (KeyError, ValueError):
            raise Http404 from None
        found = {version.pk: version for version in self._versions(item.pk).filter(pk__in=wanted)}
        if set(wanted) - set(found):
            raise Http404
        old, new = (found[pk] for pk in wanted)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": item,
            "title": f"Compare revisions of {item}",
            "old": old,
            "new": new,
            "rows": compare(self.model, old, new),
            "can_restore": self.has_change_permission(request, item),
        }
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_change_permission(request, item):
            raise Http404
        version = get_object_or_404(self._versions(item.pk), pk=version_id)

        def restored(request):
            restore(item, version, request.user)
            self.message_user(request, f"Restored {item} from that revision.", messages.SUCCESS)
            return HttpResponseRedirect(admin_url(self, "history", item.pk))

        return self._refused_when_pages_stay_stale(request, restored)

    @admin.display(description="tags")
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description="publication", ordering="published_at")
    def publication(self, obj):
        state = obj.publication_state
        if state == "Published":
            state = f"Published {date_format(timezone.localtime(obj.published_at), 'j M Y')}"
        if getattr(obj, "has_draft", False):
            state += " · unpublished changes"
        return state

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj):
        return date_format(timezone.localtime(obj.updated_at), "j M Y")

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        pks = list(queryset.exclude(status=Status.PUBLISHED).values_list("pk", flat=True))
        count = self.model.objects.filter(pk__in=pks).publish()
        record(self.model.objects.filter(pk__in=pks), "Published")
        self.message_user(
            request,
            ngettext("Published %d item.", "Published %d items.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
    def unpublish(self, request, queryset):
        pks = list(queryset.filter(status=Status.PUBLISHED).values_list("pk", flat=True))
        count = self.model.objects.filter(pk__in=pks).unpublish()
        record(self.model.objects.filter(pk__in=pks), "Unpublished")
        self.message_user(
            request,
            ngettext(
                "Unpublished %d item: it is now a draft.",
                "Unpublished %d items: they are now drafts.",
                count,
            )
            % count,
            messages.SUCCESS,
        )
