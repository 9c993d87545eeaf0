"""
The admin of enquiries, for sales.

Only superusers and the Sales group (data migration services 0003) have
permissions on Enquiry, so Editors get a 403 and do not see it in the index.
"""

import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from consultancy.people import user_label
from services import enquiries, exports, reports, retention, webhooks
from services.admin.contact_fields import CONTACT_FIELDS, ContactFieldsMixin, HeldFilter
from services.admin.pipeline import PipelineReportMixin
from services.admin.response_clock import CLOCK_FIELDS, OverdueFilter, ResponseClockAdminMixin
from services.admin.routing import SalesUserChoicesMixin, SalesUserListFilter
from services.admin.webhook import delivery_log
from services.models import Enquiry, NotificationStatus
from services.text import reveal_hidden

LEADS_DEFAULT_WEEKS = 8
LEADS_MAX_WEEKS = 52
# What the visitor typed is shown through reveal_hidden (the *_shown columns):
# a bidirectional override or other hidden character in stored text is spelled
# out, never left to reorder or hide what sales read.
VISITOR_FIELDS = [
    "name_shown",
    "email_shown",
    "company_shown",
    "message_shown",
    "topic_link",
    "created_at",
]
SOURCE_FIELDS = [
    "page_url",
    "referrer",
    "landing_page",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "user_agent",
    "ip_hash",
]
CONSENT_FIELDS = ["consent_text", "consent_given_at"]
NOTIFICATION_FIELDS = [
    "notification_status",
    "notification_attempts",
    "notification_last_error",
    "notified_at",
    "spam_reason",
]


@admin.register(Enquiry)
class EnquiryAdmin(
    ContactFieldsMixin,
    PipelineReportMixin,
    ResponseClockAdminMixin,
    SalesUserChoicesMixin,
    admin.ModelAdmin,
):
    list_display = [
        "name_shown",
        "status",
        "email_shown",
        "company_shown",
        "topic_link",
        "age",
        "notification",
        "assigned_to",
        "waited",
    ]
    list_filter = [
        HeldFilter,
        "status",
        OverdueFilter,
        "topic_kind",
        "notification_status",
        "created_at",
        ("assignee", SalesUserListFilter),
    ]
    search_fields = ["name", "email", "company", "message"]
    list_select_related = ["term", "service", "technology", "assignee"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False
    # The visitor's data is evidence of what they sent: never editable.
    readonly_fields = [
        *VISITOR_FIELDS,
        *SOURCE_FIELDS,
        *CONSENT_FIELDS,
        *NOTIFICATION_FIELDS,
        *CLOCK_FIELDS,
        "webhook_deliveries",
        *CONTACT_FIELDS,
    ]
    fieldsets = [
        ("Follow-up", {"fields": ["status", "assignee", "notes"]}),
        ("Enquiry", {"fields": VISITOR_FIELDS}),
        ("The person and what they read", {"fields": CONTACT_FIELDS}),
        ("Where they came from", {"fields": SOURCE_FIELDS, "classes": ["collapse"]}),
        ("Consent", {"fields": CONSENT_FIELDS, "classes": ["collapse"]}),
        ("Notification and spam", {"fields": NOTIFICATION_FIELDS}),
        ("Response clock", {"fields": CLOCK_FIELDS}),
        ("Webhooks", {"fields": ["webhook_deliveries"]}),
    ]
    actions = [
        "mark_contacted",
        "log_reply",
        "mark_spam",
        "mark_not_spam",
        "resend_notification",
        "export_csv",
        "release_held",
    ]
    sales_user_fields = ("assignee",)
    change_list_template = "admin/services/enquiry/change_list.html"
    change_form_template = "admin/services/enquiry/change_form.html"

    def has_add_permission(self, request):
        # Enquiries come from the contact form only.
        return False

    # The admin logs a deletion (named by the person's name) before it
    # deletes: that entry, and the earlier ones, then name it by number.
    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        retention.forget_in_admin_log([pk])

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        retention.forget_in_admin_log(pks)

    @admin.display(description="assignee", ordering="assignee__first_name")
    def assigned_to(self, obj):
        """By full name, as the assignee field offers them (username without one)."""
        if obj.assignee is None:
            return "—"
        return user_label(obj.assignee)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Webhooks: a new assignee or status is an event (spam never is).
        webhooks.queue_changes(
            obj, form.changed_data, form.initial.get("status"), site_url=self.site_url(request)
        )

    @admin.display(description="deliveries")
    def webhook_deliveries(self, obj):
        return delivery_log(obj.webhook_deliveries.select_related("webhook"), "webhook")

    @admin.display(description="name", ordering="name")
    def name_shown(self, obj):
        return reveal_hidden(obj.name)

    @admin.display(description="email address", ordering="email")
    def email_shown(self, obj):
        return reveal_hidden(obj.email)

    @admin.display(description="company", ordering="company")
    def company_shown(self, obj):
        return reveal_hidden(obj.company)

    @admin.display(description="message")
    def message_shown(self, obj):
        return reveal_hidden(obj.message)

    @admin.display(description="topic", ordering="topic_title")
    def topic_link(self, obj):
        topic = obj.topic
        if topic is not None:
            return format_html('<a href="{}">{}</a>', topic.get_absolute_url(), obj.topic_title)
        return obj.topic_title or "—"

    @admin.display(description="received", ordering="-created_at")
    def age(self, obj):
        return format_html(
            '<time datetime="{}" title="{}">{} ago</time>',
            obj.created_at.isoformat(timespec="seconds"),
            timezone.localtime(obj.created_at).strftime("%d %b %Y %H:%M"),
            timesince(obj.created_at).split(",")[0],
        )

    @admin.display(description="notification", ordering="notification_status")
    def notification(self, obj):
        label = obj.get_notification_status_display()
        if obj.notification_status == NotificationStatus.FAILED:
            return ngettext(
                "%(label)s (%(count)d attempt)",
                "%(label)s (%(count)d attempts)",
                obj.notification_attempts,
            ) % {"label": label, "count": obj.notification_attempts}
        return label

    @staticmethod
    def site_url(request):
        return request.build_absolute_uri("/").rstrip("/")

    @admin.action(description="Mark selected enquiries as contacted", permissions=["change"])
    def mark_contacted(self, request, queryset):
        count = enquiries.mark_contacted(queryset, site_url=self.site_url(request))
        self.message_user(
            request,
            ngettext(
                "Marked %d new enquiry as contacted.",
                "Marked %d new enquiries as contacted.",
                count,
            )
            % count,
            messages.SUCCESS,
        )

    @admin.action(description="Mark selected enquiries as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        count = enquiries.mark_spam(queryset)
        self.message_user(
            request,
            ngettext("Marked %d enquiry as spam.", "Marked %d enquiries as spam.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description="Not spam: restore selected enquiries and notify sales",
        permissions=["change"],
    )
    def mark_not_spam(self, request, queryset):
        count = enquiries.mark_not_spam(queryset, site_url=self.site_url(request))
        self.message_user(
            request,
            ngettext("Restored %d enquiry from spam.", "Restored %d enquiries from spam.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description="Resend the notification email to sales", permissions=["change"])
    def resend_notification(self, request, queryset):
        count = enquiries.resend_notifications(queryset, site_url=self.site_url(request))
        self.message_user(
            request,
            ngettext(
                "Queued %d notification; its status shows whether it was sent.",
                "Queued %d notifications; their status shows whether they were sent.",
                count,
            )
            % count
            + (" Spam enquiries are never notified." if count < queryset.count() else ""),
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description="Export selected enquiries as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        out = io.StringIO()
        exports.write_csv(queryset, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp}.csv"'
        return response

    def get_urls(self):
        report = path(
            "leads-by-page/",
            self.admin_site.admin_view(self.leads_by_page_view),
            name="services_enquiry_leads_by_page",
        )
        return [report, *self.pipeline_urls(), *super().get_urls()]

    def leads_by_page_view(self, request):
        """Genuine enquiries per source page and per week: which pages bring leads."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            weeks = int(request.GET.get("weeks", LEADS_DEFAULT_WEEKS))
        except ValueError:
            weeks = LEADS_DEFAULT_WEEKS
        weeks = min(max(weeks, 1), LEADS_MAX_WEEKS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Leads by page",
            "weeks": weeks,
            "week_choices": [4, 8, 13, 26, 52],
            "report": reports.leads_by_page(weeks),
            "chart_width": reports.CHART_WIDTH,
            "chart_height": reports.CHART_HEIGHT,
        }
        return TemplateResponse(request, "admin/services/enquiry/leads_by_page.html", context)
