"""
The response clock in the enquiry admin: how long each open enquiry has
waited (business hours), the Overdue filter, "Log a reply", and the first
response recorded when sales move an enquiry on from New.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext

from services import business_hours, response_clock

CLOCK_FIELDS = [
    "clock_started",
    "first_response_at",
    "time_to_first_response",
    "response_due_at",
    "reminder_sent_at",
    "escalation_sent_at",
]


class OverdueFilter(admin.SimpleListFilter):
    title = "response"
    parameter_name = "response"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("waiting", "Awaiting a response")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.not_spam().overdue()
        if self.value() == "waiting":
            return queryset.not_spam().awaiting_response()
        return queryset


class ResponseClockAdminMixin:
    """For EnquiryAdmin: its columns, fields and action about the first response."""

    @admin.display(description="waited")
    def waited(self, obj):
        waited = response_clock.hours_waited(obj)
        if waited is None:
            taken = response_clock.hours_to_first_response(obj)
            return f"answered in {business_hours.format_hours(taken)}" if taken is not None else "—"
        if response_clock.is_overdue(obj):
            return format_html(
                '<strong class="overdue">{} – overdue</strong>', business_hours.format_hours(waited)
            )
        return business_hours.format_hours(waited)

    @admin.display(description="clock started")
    def clock_started(self, obj):
        if obj.clock_started_at is None:
            return "on receipt"
        released = date_format(timezone.localtime(obj.clock_started_at), "DATETIME_FORMAT")
        return f"on release from review, {released}"

    @admin.display(description="time to first response (business hours)")
    def time_to_first_response(self, obj):
        taken = response_clock.hours_to_first_response(obj)
        if taken is None:
            target = business_hours.format_hours(settings.ENQUIRY_RESPONSE_HOURS)
            return f"not answered yet (target {target})"
        return business_hours.format_hours(taken)

    @admin.action(description="Log a reply (starts the follow-up clock)", permissions=["change"])
    def log_reply(self, request, queryset):
        count = response_clock.record_first_response(queryset.not_spam())
        self.message_user(
            request,
            ngettext(
                "Logged the first reply to %d enquiry.",
                "Logged the first reply to %d enquiries.",
                count,
            )
            % count
            + (
                " Those answered before keep their first response time."
                if count < queryset.count()
                else ""
            ),
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            response_clock.note_status_change(obj, form.initial.get("status"))
        super().save_model(request, obj, form, change)
