"""
Routing rules and availability, for the Sales managers group (data migration
services 0006_routing): who gets which enquiries, and who is away.
"""

from django import forms
from django.contrib import admin

from consultancy.people import user_label
from services.models import RoutingRule, SalesAvailability
from services.models.routing import sales_users


class SalesUserChoiceField(forms.ModelChoiceField):
    """Sales users by their full name (the username for someone without one)."""

    def label_from_instance(self, obj):
        return user_label(obj)


class SalesUserListFilter(admin.RelatedFieldListFilter):
    """The people an enquiry may be assigned to, as the assignee field offers them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "Unassigned"

    def field_choices(self, field, request, model_admin):
        return [(user.pk, user_label(user)) for user in sales_users()]


class SalesUserChoicesMixin:
    """The user fields named in `sales_user_fields` offer Sales users only, by full name."""

    sales_user_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.sales_user_fields:
            kwargs["queryset"] = sales_users()
            kwargs["form_class"] = SalesUserChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoutingRule)
class RoutingRuleAdmin(SalesUserChoicesMixin, admin.ModelAdmin):
    list_display = ["order", "match", "owner", "team", "is_active"]
    list_display_links = ["match"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["match"]
    list_select_related = ["owner", "team"]
    fields = ["order", "match", "owner", "team", "is_active"]
    sales_user_fields = ("owner",)


@admin.register(SalesAvailability)
class SalesAvailabilityAdmin(SalesUserChoicesMixin, admin.ModelAdmin):
    list_display = ["user", "is_available", "changed_at"]
    list_editable = ["is_available"]
    list_filter = ["is_available"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["changed_at"]
    sales_user_fields = ("user",)
