"""The editing experience shared by terms, services and technologies."""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag

from consultancy.cache import PageCacheUnavailable, can_make_pages_stale
from consultancy.models import Status
from consultancy.revisions.compare import compare
from consultancy.revisions.restore import record, restore, restore_tags

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


class PublishableAdmin(VersionAdmin):
    list_filter = ["status", UsedTagListFilter, "published_at"]
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (PageCacheCheckedForm, form), {})

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
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_compare",
            args=[quote(object_id)],
        )
        return f"{url}?from={old}&to={new}"

    def history_view(self, request, object_id, extra_context=None):
        versions = list(self._versions(unquote(object_id)).order_by("-pk"))
        context = {
            "versions": versions,
            "compare_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_compare",
                args=[object_id],
            ),
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
            url = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
                args=[quote(item.pk)],
            )
            return HttpResponseRedirect(url)

        return self._refused_when_pages_stay_stale(request, restored)

    @admin.display(description="tags")
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description="public", boolean=True, ordering="status")
    def is_live(self, obj):
        return obj.is_public

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
