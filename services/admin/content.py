"""The admin of services and technologies, for editors."""

from django.contrib import admin

from consultancy.admin import (
    PUBLISHING_FIELDSET,
    SEO_FIELDSET,
    PublishableAdmin,
    count_column,
)
from services.models import Service, Technology


@admin.register(Service)
class ServiceAdmin(PublishableAdmin):
    list_display = [
        "title",
        "order",
        "publication",
        "updated",
        "technology_count",
        "term_count",
        "tag_list",
    ]
    list_editable = ["order"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["technologies"]
    fieldsets = [
        ("Definition", {"fields": ["title", "slug", "summary", "order"]}),
        ("In Depth", {"fields": ["body"]}),
        ("Relations", {"fields": ["technologies", "tags"]}),
        SEO_FIELDSET,
        PUBLISHING_FIELDSET,
    ]

    technology_count = count_column("technology_count", "technologies")

    term_count = count_column("term_count", "glossary terms")


@admin.register(Technology)
class TechnologyAdmin(PublishableAdmin):
    list_display = [
        "name",
        "publication",
        "updated",
        "service_count",
        "term_count",
        "tag_list",
    ]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        ("Definition", {"fields": ["name", "slug", "summary"]}),
        ("In Depth", {"fields": ["body"]}),
        ("Relations", {"fields": ["tags"]}),
        SEO_FIELDSET,
        PUBLISHING_FIELDSET,
    ]

    service_count = count_column("service_count", "services")

    term_count = count_column("term_count", "glossary terms")
