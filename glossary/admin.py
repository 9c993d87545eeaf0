from django import forms
from django.contrib import admin

from consultancy.admin import (
    PUBLISHING_FIELDSET,
    SEO_FIELDSET,
    PublishableAdmin,
    count_column,
)
from glossary.models import SELF_RELATION_MESSAGE, Term


class TermAdminForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3})}

    def clean_related_terms(self):
        related = self.cleaned_data["related_terms"]
        if self.instance.pk and any(term.pk == self.instance.pk for term in related):
            raise forms.ValidationError(SELF_RELATION_MESSAGE, code="related_to_itself")
        return related


@admin.register(Term)
class TermAdmin(PublishableAdmin):
    form = TermAdminForm
    list_display = [
        "name",
        "abbreviation",
        "publication",
        "updated",
        "related_term_count",
        "service_count",
        "technology_count",
        "tag_list",
    ]
    list_display_links = ["name"]
    search_fields = ["name", "abbreviation", "aliases", "short_definition"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["related_terms", "services", "technologies"]
    fieldsets = [
        (
            "Definition",
            {"fields": ["name", "abbreviation", "aliases", "slug", "short_definition"]},
        ),
        ("In Depth", {"fields": ["body", "auto_link"]}),
        (
            "Linking",
            {
                "fields": ["linkable", "match_case"],
                "description": (
                    "How mentions of this term on other pages are linked to it. "
                    "(Links from this term's own text: “link other terms” above.) "
                    "“Mentioned in” and the orphans of Content health count links: "
                    "with “link to this term” off, mentions of this term are not "
                    "counted, and only links written by hand keep it from being an orphan."
                ),
            },
        ),
        ("Relations", {"fields": ["related_terms", "services", "technologies", "tags"]}),
        (
            "Call to action",
            {
                "classes": ["collapse"],
                "fields": ["cta_heading", "cta_text"],
                "description": (
                    'Blank fields give "Need Help With" and the term\'s name, and the standard '
                    "line."
                ),
            },
        ),
        (
            "Review",
            {
                "fields": ["owner", "review_by"],
                "description": "Who keeps this term right, and when they should next check it.",
            },
        ),
        SEO_FIELDSET,
        PUBLISHING_FIELDSET,
    ]

    related_term_count = count_column("related_term_count", "related terms")

    service_count = count_column("service_count", "services")

    technology_count = count_column("technology_count", "technologies")
