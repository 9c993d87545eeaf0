"""
An enquiry sent through the contact form: who wrote, what about, where they came
from, and how sales are following it up.

Nothing here sends mail or decides what is spam: services/enquiries.py records
enquiries, services/spam.py judges them and services/notifications.py emails sales.
"""

from django.conf import settings
from django.core.validators import slug_re
from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower, TruncWeek
from django.utils import timezone

from consultancy import content_types
from services import business_hours
from services.text import reveal_hidden

NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
COMPANY_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 5000
URL_MAX_LENGTH = 500
UTM_MAX_LENGTH = 200
USER_AGENT_MAX_LENGTH = 300
ERROR_MAX_LENGTH = 1000
QUALIFICATION_MAX_LENGTH = 40
# The campaign parameters a first touch records, by their field names.
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class TopicKind(models.TextChoices):
    # The values are the model names used in "?topic=term:<slug>" links.
    TERM = "term", "Glossary term"
    SERVICE = "service", "Service"
    TECHNOLOGY = "technology", "Technology"


def resolve_topic(value):
    """
    The published term, service or technology that a "kind:slug" topic names,
    or None for anything else (unknown kind or slug, draft, malformed text).
    Only a slug as the URLs spell it reaches the database, which may refuse
    other text (PostgreSQL rejects NUL in a query as an error).
    """
    kind, _, slug = str(value or "").partition(":")
    if kind not in TopicKind.values or len(slug) > 120 or not slug_re.fullmatch(slug):
        return None
    return content_types.get(kind).model.objects.published().filter(slug=slug).first()


class EnquiryStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    QUALIFIED = "qualified", "Qualified"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    SPAM = "spam", "Spam"
    # Contacts: suspicious but not certainly spam (services/spam.py), kept
    # from sales' inbox until someone releases it.
    HELD = "held", "Held for review"


class SpamReason(models.TextChoices):
    HONEYPOT = "honeypot", "Filled in the hidden field"
    TOO_FAST = "too_fast", "Sent too soon after the form was shown"
    NO_TIMESTAMP = "no_timestamp", "Form timestamp missing or forged"
    RATE_LIMITED = "rate_limited", "Over the rate limit"
    STAFF = "staff", "Marked by staff"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOT_NEEDED = "not_needed", "Not needed"


def response_deadlines(start):
    """The reminder (75%) and the target (100%) of ENQUIRY_RESPONSE_HOURS, in business time."""
    target = settings.ENQUIRY_RESPONSE_HOURS
    return {
        "reminder_due_at": business_hours.add_hours(start, target * 0.75),
        "response_due_at": business_hours.add_hours(start, target),
    }


class EnquiryQuerySet(models.QuerySet):
    def not_spam(self):
        return self.exclude(status=EnquiryStatus.SPAM)

    def genuine(self):
        """Neither spam nor held for review: what sales are notified of and reports count."""
        return self.exclude(status__in=[EnquiryStatus.SPAM, EnquiryStatus.HELD])

    def received_before(self, moment):
        return self.filter(created_at__lt=moment)

    def for_email(self, email):
        """Everything one person sent, whatever the case of their address."""
        return self.filter(email__iexact=email.strip())

    def awaiting_response(self):
        """Genuine enquiries nobody has answered yet (the response clock runs)."""
        return self.filter(status=EnquiryStatus.NEW, first_response_at__isnull=True)

    def overdue(self, now=None):
        """Awaiting a response past the target (ENQUIRY_RESPONSE_HOURS)."""
        return self.awaiting_response().filter(response_due_at__lte=now or timezone.now())

    def for_changelist(self):
        """With the topic and assignee that the admin list shows, in one query."""
        return self.select_related("term", "service", "technology", "assignee")

    def leads_by_page(self, since):
        """
        Genuine enquiries received since `since` counted per source page and
        per week (Monday), in one grouped query: rows of page_url, week, count
        and the page's topic title.
        """
        return (
            self.genuine()
            .filter(created_at__gte=since)
            .annotate(week=TruncWeek("created_at"))
            .values("page_url", "week")
            .annotate(count=Count("pk"), title=Max("topic_title"))
            .order_by("page_url", "week")
        )


class Enquiry(models.Model):
    # What the visitor wrote.
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    company = models.CharField(max_length=COMPANY_MAX_LENGTH, blank=True)
    message = models.TextField()

    # What it is about: at most one of the three pages, whose title is also
    # kept as text so that the enquiry still says it once the page is gone.
    term = models.ForeignKey(
        "glossary.Term",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name="glossary term",
    )
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    technology = models.ForeignKey(
        "services.Technology",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    topic_kind = models.CharField(
        "topic type", max_length=20, choices=TopicKind, blank=True, db_index=True
    )
    topic_title = models.CharField("topic", max_length=200, blank=True)

    # Where the visitor came from.
    page_url = models.CharField(
        "source page",
        max_length=URL_MAX_LENGTH,
        blank=True,
        help_text="The page on this site from which the visitor opened the form.",
    )
    referrer = models.CharField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        help_text="The other site that sent the visitor, when known.",
    )
    landing_page = models.CharField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        help_text="The first page of the visit, kept when it came from a campaign link.",
    )
    utm_source = models.CharField("UTM source", max_length=UTM_MAX_LENGTH, blank=True)
    utm_medium = models.CharField("UTM medium", max_length=UTM_MAX_LENGTH, blank=True)
    utm_campaign = models.CharField("UTM campaign", max_length=UTM_MAX_LENGTH, blank=True)
    utm_term = models.CharField("UTM term", max_length=UTM_MAX_LENGTH, blank=True)
    utm_content = models.CharField("UTM content", max_length=UTM_MAX_LENGTH, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_LENGTH, blank=True)
    ip_hash = models.CharField(
        "IP address hash",
        max_length=64,
        blank=True,
        help_text="A keyed hash of the visitor's IP address; the address itself is never kept.",
    )

    # Consent, exactly as it was asked.
    consent_text = models.TextField(blank=True)
    consent_given_at = models.DateTimeField("consent given", null=True, blank=True)

    # Follow-up by sales.
    status = models.CharField(
        max_length=20,
        choices=EnquiryStatus,
        default=EnquiryStatus.NEW,
        db_index=True,
        help_text="Where this lead stands. Held and spam enquiries are kept but not notified.",
    )
    spam_reason = models.CharField("why spam", max_length=20, choices=SpamReason, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_enquiries",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text="The person following this enquiry up.",
    )
    notes = models.TextField(
        "internal notes",
        blank=True,
        help_text="Seen only by staff, and included when a visitor asks for their data.",
    )
    created_at = models.DateTimeField("received", default=timezone.now, editable=False)

    # The email to sales about it.
    notification_status = models.CharField(
        max_length=20,
        choices=NotificationStatus,
        default=NotificationStatus.PENDING,
        db_index=True,
    )
    notification_attempts = models.PositiveSmallIntegerField(default=0)
    notification_last_error = models.TextField("last notification error", blank=True)
    notified_at = models.DateTimeField("notified", null=True, blank=True)

    # Routing and the response clock (services/routing.py, services/response_clock.py).
    first_response_at = models.DateTimeField(
        "first response",
        null=True,
        blank=True,
        help_text="When sales first answered: the first status change from New, or a logged reply.",
    )
    clock_started_at = models.DateTimeField(
        "clock started",
        null=True,
        blank=True,
        editable=False,
        help_text="When a held enquiry was released: its response clock runs from then. "
        "Empty: from receipt.",
    )
    response_due_at = models.DateTimeField(
        "response due",
        null=True,
        blank=True,
        editable=False,
        help_text="ENQUIRY_RESPONSE_HOURS business hours after it was received.",
    )
    reminder_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField("reminder sent", null=True, blank=True)
    escalation_sent_at = models.DateTimeField("escalation sent", null=True, blank=True)
    # Contacts: who wrote (one Contact per address), what they read before
    # writing, and how they qualify themselves (services/contacts.py, journey.py).
    contact = models.ForeignKey(
        "services.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        help_text="The person, by normalised email address; links their enquiries.",
    )
    journey = models.JSONField(
        "pages read",
        default=list,
        blank=True,
        help_text="The pages of this site read in this visit before writing, oldest first "
        "(at most 10 of {path, title}); empty without JavaScript.",
    )
    budget = models.CharField(
        max_length=QUALIFICATION_MAX_LENGTH,
        blank=True,
        help_text="The budget range the visitor chose (ENQUIRY_BUDGET_CHOICES).",
    )
    timeline = models.CharField(
        max_length=QUALIFICATION_MAX_LENGTH,
        blank=True,
        help_text="When the visitor hopes to start (ENQUIRY_TIMELINE_CHOICES).",
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "enquiry"
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["-created_at"], name="services_enquiry_created_idx"),
            models.Index(Lower("email"), name="services_enquiry_email_ci_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(term__isnull=True, service__isnull=True)
                    | Q(term__isnull=True, technology__isnull=True)
                    | Q(service__isnull=True, technology__isnull=True)
                ),
                name="services_enquiry_at_most_one_topic",
                violation_error_message="An enquiry is about one page at most.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnquiryStatus.values),
                name="services_enquiry_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(notification_status__in=NotificationStatus.values),
                name="services_enquiry_notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(topic_kind__in=[*TopicKind.values, ""]),
                name="services_enquiry_topic_kind_valid",
            ),
        ]

    def __str__(self):
        # Shown by the admin (titles, breadcrumbs, history): hidden characters spelled out.
        about = self.topic_title or "general enquiry"
        return reveal_hidden(f"{self.name} ({about})")

    def save(self, *args, **kwargs):
        if self.response_due_at is None:
            # The clock starts at receipt; release_held() restarts it from the release.
            for field, due in response_deadlines(self.clock_start).items():
                setattr(self, field, due)
        super().save(*args, **kwargs)

    @property
    def clock_start(self):
        """Where the response clock runs from: the release of a held enquiry, else receipt."""
        return self.clock_started_at or self.created_at

    @property
    def topic(self):
        """The page the enquiry is about, if it still exists."""
        return self.term or self.service or self.technology

    @topic.setter
    def topic(self, item):
        self.term = self.service = self.technology = None
        self.topic_kind = self.topic_title = ""
        if item is not None:
            kind = TopicKind(item._meta.model_name)
            setattr(self, kind.value, item)
            self.topic_kind = kind
            self.topic_title = str(item)[:200]
