"""The editing experience shared by terms, services and technologies."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.utils.translation import ngettext
from taggit.models import Tag

from consultancy.admin_import import ImportExportAdminMixin
from consultancy.cache import PageCacheUnavailable, can_make_pages_stale
from consultancy.models import Status

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


class PublishableAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    list_filter = ["status", UsedTagListFilter, "published_at"]
    date_hierarchy = "published_at"
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 100
    show_full_result_count = False
    save_on_top = True

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

    def changeform_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(
            request, super().changeform_view, *args, **kwargs
        )

    def delete_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refused_when_pages_stay_stale(
            request, super().changelist_view, *args, **kwargs
        )

    @admin.display(description="tags")
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description="public", boolean=True, ordering="status")
    def is_live(self, obj):
        return obj.is_public

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.exclude(status=Status.PUBLISHED).publish()
        self.message_user(
            request,
            ngettext("Published %d item.", "Published %d items.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Status.PUBLISHED).unpublish()
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
