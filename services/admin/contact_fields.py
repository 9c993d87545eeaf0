"""
What the enquiry admin shows of the person behind an enquiry (issue 13,
"contacts"): their earlier enquiries, the pages they read before writing,
how they qualified themselves, and the review of held enquiries (a filter
with a count, and releasing them so that sales are notified).
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from services import contacts, enquiries
from services.models import EnquiryStatus
from services.qualification import qualification
from services.text import is_site_path, reveal_hidden

CONTACT_FIELDS = ["budget_shown", "timeline_shown", "journey_shown", "earlier_enquiries"]
RELEASE_BUTTON = "_release"


class HeldFilter(admin.SimpleListFilter):
    """ "Held (3)": enquiries waiting for review, with how many, always in view."""

    title = "review"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        count = model_admin.get_queryset(request).filter(status=EnquiryStatus.HELD).count()
        return [("yes", f"Held ({count})")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=EnquiryStatus.HELD)
        return queryset


class ContactFieldsMixin:
    @admin.display(description="budget")
    def budget_shown(self, obj):
        return reveal_hidden(qualification(obj)["budget"]) or "—"

    @admin.display(description="timeline")
    def timeline_shown(self, obj):
        return reveal_hidden(qualification(obj)["timeline"]) or "—"

    @admin.display(description="pages read before writing")
    def journey_shown(self, obj):
        """The journey, oldest first; only a path of this site is a link."""
        pages = [page for page in obj.journey or [] if isinstance(page, dict)]
        if not pages:
            return "— (none recorded: sent without JavaScript, or straight to the form)"
        items = format_html_join(
            "",
            "<li>{}</li>",
            ((self.page_link(page),) for page in pages),
        )
        return format_html('<ol class="enquiry-journey">{}</ol>', items)

    @staticmethod
    def page_link(page):
        path = str(page.get("path", ""))
        title = reveal_hidden(page.get("title") or path)
        if is_site_path(path):
            return format_html('<a href="{}">{}</a> <small>{}</small>', path, title, path)
        return format_html("{} <small>{}</small>", title, reveal_hidden(path))

    @admin.display(description="earlier enquiries from this person")
    def earlier_enquiries(self, obj):
        """One query, however many there are."""
        rows = [
            (
                reverse("admin:services_enquiry_change", args=[enquiry.pk]),
                timezone.localtime(enquiry.created_at).strftime("%d %b %Y"),
                reveal_hidden(enquiry.topic_title or "general enquiry"),
                enquiry.get_status_display(),
            )
            for enquiry in contacts.earlier_enquiries(obj)
        ]
        if not rows:
            return "None: this is their first enquiry."
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
            rows,
        )
        return format_html(
            '<table class="enquiry-earlier"><thead><tr><th scope="col">Received</th>'
            '<th scope="col">Topic</th><th scope="col">Status</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            body,
        )

    @admin.action(
        description="Release selected held enquiries: mark as new and notify sales",
        permissions=["change"],
    )
    def release_held(self, request, queryset):
        count = enquiries.release_held(queryset, site_url=self.site_url(request))
        self.message_user(
            request,
            ngettext(
                "Released %d held enquiry; sales are notified.",
                "Released %d held enquiries; sales are notified.",
                count,
            )
            % count,
            messages.SUCCESS if count else messages.WARNING,
        )

    def response_change(self, request, obj):
        # The "Release" button of a held enquiry's page: saved first, then released.
        if RELEASE_BUTTON in request.POST and self.has_change_permission(request, obj):
            self.release_held(request, type(obj).objects.filter(pk=obj.pk))
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
