"""
The admin of webhooks and their delivery log.

Webhooks are for whoever holds the webhook permissions (superusers; the Sales
managers group once it is given them): no group gets them here. The log of
an enquiry's deliveries is part of the enquiry, shown to whoever may view it.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import ngettext

from services import webhooks
from services.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from services.models.webhook import generate_secret

RECENT_DELIVERIES = 20
LOG_FIELDS = [
    "created_at",
    "webhook",
    "event",
    "status",
    "attempts",
    "last_status_code",
    "last_error",
    "delivered_at",
    "next_attempt_at",
    "message_id",
]


def redeliver(model_admin, request, deliveries):
    count = webhooks.redeliver(deliveries, site_url=request.build_absolute_uri("/").rstrip("/"))
    model_admin.message_user(
        request,
        ngettext(
            "Queued %d undelivered delivery again.",
            "Queued %d undelivered deliveries again.",
            count,
        )
        % count,
        messages.SUCCESS if count else messages.WARNING,
    )


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this receiver is sent. Spam is never sent.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "format", "is_active", "secret", "description"]

    def clean_secret(self):
        # Generated before the model's checks run, which require "whsec_".
        return self.cleaned_data["secret"] or generate_secret()


def delivery_log(deliveries, other):
    """
    The latest deliveries as a read-only table, in one query, each naming its
    `other` side: the enquiry (a link) on a webhook's page, the webhook on an
    enquiry's (not a link: sales may see the log but not the webhooks).
    """
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        (
            (
                when(d.created_at),
                format_html(
                    "<a href='{}'>{}</a>",
                    reverse("admin:services_enquiry_change", args=[d.enquiry_id]),
                    d.enquiry,
                )
                if other == "enquiry"
                else d.webhook,
                d.event,
                d.get_status_display(),
                d.attempts,
                d.last_status_code or "—",
                d.last_error,
                when(d.delivered_at),
                when(d.next_attempt_at),
                d.message_id,
            )
            for d in deliveries[:RECENT_DELIVERIES]
        ),
    )
    return format_html(
        "<table><thead><tr><th>queued</th><th>{}</th><th>event</th><th>status</th>"
        "<th>attempts</th><th>last HTTP status</th><th>last error</th><th>delivered</th>"
        "<th>next attempt</th><th>message id</th></tr></thead><tbody>{}</tbody></table>",
        other,
        rows or format_html("<tr><td colspan='10'>{}</td></tr>", "None yet."),
    )


def when(moment):
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M:%S") if moment else "—"


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "events_shown", "format", "is_active", "failed_deliveries"]
    list_filter = ["is_active", "format"]
    search_fields = ["name", "url", "description"]
    actions = ["send_failed_again"]

    def get_queryset(self, request):
        # The failed count of each row in the same query as the rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED))
            )
        )

    def get_fieldsets(self, request, obj=None):
        receiver = ["name", "url", "events", "format", "is_active", "description"]
        if obj is None:
            return [(None, {"fields": [*receiver, "secret"]})]
        return [
            (None, {"fields": receiver}),
            ("Signing", {"fields": ["secret"]}),
            ("Deliveries", {"fields": ["recent_deliveries"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # The secret is set once (typed in or generated): the receiver holds a copy.
        return ["secret", "recent_deliveries"] if obj is not None else []

    @admin.display(description="events")
    def events_shown(self, obj):
        return ", ".join(obj.events)

    @admin.display(description="failed deliveries", ordering="failed_count")
    def failed_deliveries(self, obj):
        return obj.failed_count

    @admin.display(description=f"last {RECENT_DELIVERIES} deliveries")
    def recent_deliveries(self, obj):
        log = reverse("admin:services_webhookdelivery_changelist")
        return format_html(
            "{}<p><a href='{}?{}'>All deliveries of this webhook</a></p>",
            delivery_log(obj.deliveries.select_related("enquiry"), "enquiry"),
            log,
            urlencode({"webhook__id__exact": obj.pk}),
        )

    @admin.action(description="Send their undelivered deliveries again", permissions=["change"])
    def send_failed_again(self, request, queryset):
        redeliver(self, request, WebhookDelivery.objects.filter(webhook__in=queryset))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: written by the sender only, so read-only here."""

    list_display = [
        "created_at",
        "webhook",
        "event",
        "enquiry",
        "status",
        "attempts",
        "last_status_code",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "webhook", "created_at"]
    list_select_related = ["webhook", "enquiry"]
    search_fields = ["message_id"]
    date_hierarchy = "created_at"
    fields = [*LOG_FIELDS, "enquiry"]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_redeliver_permission(self, request):
        return request.user.has_perm("services.change_webhook")

    @admin.action(description="Send the undelivered ones again", permissions=["redeliver"])
    def send_again(self, request, queryset):
        redeliver(self, request, queryset)
