"""
What happens to an enquiry: where the visitor came from (first touch), whether
it looks like spam, recording it, notifying sales, and the follow-up actions
staff take in the admin.

Rule of the house: an enquiry is saved before anything else can fail, and
nothing after that (mail, task queue, rate limits) may lose it.
"""

import csv
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.headerregistry import Address
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from services.models import (
    Enquiry,
    EnquiryStatus,
    NotificationStatus,
    SpamReason,
)
from services.models.enquiry import (
    ERROR_MAX_LENGTH,
    URL_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    UTM_MAX_LENGTH,
)

logger = logging.getLogger(__name__)

UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
FIRST_TOUCH_SESSION_KEY = "enquiry_first_touch"
# Over the rate limit, submissions are still stored (as spam) until this many
# times the limit: a person who retried too often loses nothing, while a flood
# cannot fill the database.
QUARANTINE_FACTOR = 3
SUBJECT_MAX_LENGTH = 150


# --- The visitor -----------------------------------------------------------------


def printable(value, max_length):
    """`value` without control characters, cut to `max_length`: safe to store and show."""
    return "".join(c for c in str(value) if c.isprintable())[:max_length]


def client_ip(request):
    """
    The visitor's IP address. Behind ENQUIRY_PROXY_COUNT reverse proxies it is
    the address the outermost proxy saw, read from the right of X-Forwarded-For
    (entries further left are whatever the client chose to send).
    """
    proxies = settings.ENQUIRY_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def keyed_hash(value, purpose):
    """HMAC-SHA256 of `value`: stable for counting and matching, but not reversible."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.ENQUIRY_IP_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def hash_ip(ip):
    return keyed_hash(ip, "ip") if ip else ""


class FirstTouchMiddleware:
    """
    Remembers the landing page, referrer and UTM parameters of a visit that
    arrived by a campaign link, so that an enquiry sent pages later is still
    credited to the campaign. Other requests do not touch the session at all:
    no session is created (and no database row written) for ordinary visitors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and any(name in request.GET for name in UTM_PARAMETERS):
            record_first_touch(request)
        return self.get_response(request)


def external_referrer(request):
    referrer = request.META.get("HTTP_REFERER", "")
    host = urlsplit(referrer).netloc
    if host and host != request.get_host():
        return printable(referrer, URL_MAX_LENGTH)
    return ""


def record_first_touch(request):
    """Keep this request as the visit's first touch, unless one is already kept."""
    if FIRST_TOUCH_SESSION_KEY in request.session:
        return
    touch = {
        "landing_page": printable(request.get_full_path(), URL_MAX_LENGTH),
        "referrer": external_referrer(request),
    }
    for name in UTM_PARAMETERS:
        touch[name] = printable(request.GET.get(name, ""), UTM_MAX_LENGTH)
    request.session[FIRST_TOUCH_SESSION_KEY] = touch


# --- Rate limits -----------------------------------------------------------------


def count_hit(scope, key):
    """
    Count one submission for `key` in the current fixed window of the cache and
    return the count so far. add() then incr() is atomic on Redis and Memcached.
    """
    window = settings.ENQUIRY_RATE_LIMIT_WINDOW_SECONDS
    cache_key = f"enquiry-rate:{scope}:{key}:{int(time.time() // window)}"
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        return cache.incr(cache_key)
    except ValueError:  # Evicted between add() and incr().
        cache.set(cache_key, 1, timeout=window + 60)
        return 1


@dataclass
class Submission:
    """One POST of the contact form: who sent it, and how often they have."""

    ip_hash: str
    user_agent: str
    host: str
    site_url: str
    first_touch: dict
    ip_count: int
    email_count: int = 0
    email_hash: str = field(default="", repr=False)

    def count_email(self, email):
        self.email_hash = keyed_hash(email.strip().lower(), "email")
        self.email_count = count_hit("email", self.email_hash)

    @property
    def rate_limited(self):
        return (
            self.ip_count > settings.ENQUIRY_RATE_LIMIT_PER_IP
            or self.email_count > settings.ENQUIRY_RATE_LIMIT_PER_EMAIL
        )

    @property
    def worth_keeping(self):
        """Whether a rate-limited submission is still stored, as spam."""
        return (
            self.ip_count <= settings.ENQUIRY_RATE_LIMIT_PER_IP * QUARANTINE_FACTOR
            and self.email_count <= settings.ENQUIRY_RATE_LIMIT_PER_EMAIL * QUARANTINE_FACTOR
        )


def start_submission(request):
    """What we know of the sender of a POST; counts it against their IP's limit."""
    ip_hash = hash_ip(client_ip(request))
    return Submission(
        ip_hash=ip_hash,
        user_agent=printable(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_MAX_LENGTH),
        host=request.get_host(),
        site_url=request.build_absolute_uri("/").rstrip("/"),
        # .get() on a visitor without a session cookie reads nothing and writes nothing.
        first_touch=request.session.get(FIRST_TOUCH_SESSION_KEY) or {},
        ip_count=count_hit("ip", ip_hash or "unknown"),
    )


# --- Recording -------------------------------------------------------------------


def spam_reason(data, submission):
    """Why this valid submission looks like spam, or None if it does not."""
    if data["website"]:
        return SpamReason.HONEYPOT
    if data["started"] is None:
        return SpamReason.NO_TIMESTAMP
    if data["started"] < settings.ENQUIRY_MIN_FILL_SECONDS:
        return SpamReason.TOO_FAST
    if submission.rate_limited:
        return SpamReason.RATE_LIMITED
    return None


def split_source(source, host):
    """
    The form's `source` is the page that linked to it: a page of ours is the
    enquiry's source page (path only); another site is its referrer.
    """
    parts = urlsplit(source)
    if parts.scheme not in {"", "http", "https"}:
        return "", ""
    if parts.netloc and parts.netloc != host:
        return "", source
    if parts.path.startswith("/"):
        return parts.path, ""
    return "", ""


def record_enquiry(data, submission):
    """
    Store a valid form's enquiry (as spam when it looks like spam) and, for a
    genuine one, queue the email to sales once the transaction commits.
    Counts the email address against its rate limit first. Returns the
    enquiry, or None for a flood over the rate limit that is not worth keeping.
    """
    submission.count_email(data["email"])
    if submission.rate_limited and not submission.worth_keeping:
        logger.warning("Enquiry dropped: far over the rate limit (ip %s)", submission.ip_hash[:12])
        return None
    reason = spam_reason(data, submission)

    touch = submission.first_touch
    page_url, referrer = split_source(data["source"], submission.host)
    topic = data["topic"]
    if not page_url and topic is not None:
        page_url = topic.get_absolute_url()
    enquiry = Enquiry(
        name=data["name"],
        email=data["email"],
        company=data["company"],
        message=data["message"],
        page_url=page_url,
        referrer=touch.get("referrer") or referrer,
        landing_page=touch.get("landing_page", ""),
        user_agent=submission.user_agent,
        ip_hash=submission.ip_hash,
        consent_text=data["consent_text"],
        consent_given_at=timezone.now(),
        **{name: touch.get(name, "") for name in UTM_PARAMETERS},
    )
    enquiry.topic = topic
    if reason:
        enquiry.status = EnquiryStatus.SPAM
        enquiry.spam_reason = reason
        enquiry.notification_status = NotificationStatus.NOT_NEEDED
    with transaction.atomic():
        enquiry.save()
        if not reason:
            queue_notification(enquiry.pk, attempt=1, site_url=submission.site_url)
    if reason:
        logger.info("Enquiry %s stored as spam: %s", enquiry.pk, reason)
    return enquiry


# --- Notifying sales -------------------------------------------------------------


class NotificationFailed(Exception):
    """The email to sales could not be sent; the enquiry records why."""


def queue_notification(enquiry_id, attempt, site_url="", run_after=None):
    """
    Queue the email to sales once the current transaction commits (at once
    outside one). A queue that is down is logged, not raised: the enquiry is
    already safe, and stays "pending" for the resend command to pick up.
    """
    from services.tasks import notify_sales  # The task module imports this one.

    task = notify_sales.using(run_after=run_after) if run_after else notify_sales
    transaction.on_commit(
        partial(task.enqueue, enquiry_id, attempt=attempt, site_url=site_url), robust=True
    )


def retry_delay(attempt):
    """How long to wait after failed attempt number `attempt`: 1, 5, 25 min, … at most 6 h."""
    return timedelta(minutes=min(5 ** (attempt - 1), 6 * 60))


def one_line(text):
    """Text safe for an email header: every run of whitespace or control characters is a space."""
    cleaned = "".join(c if c.isprintable() else " " for c in str(text))
    return " ".join(cleaned.split())


def absolute(site_url, path):
    return f"{site_url.rstrip('/')}{path}" if path.startswith("/") else path


def notification_subject(enquiry):
    about = enquiry.topic_title or "general enquiry"
    subject = f"[{settings.SITE_NAME}] Enquiry from {enquiry.name} ({about})"
    return one_line(subject)[:SUBJECT_MAX_LENGTH]


def reply_address(enquiry):
    """The visitor as a Reply-To address, their name properly quoted."""
    try:
        return str(Address(display_name=one_line(enquiry.name), addr_spec=enquiry.email))
    except (ValueError, IndexError):
        return enquiry.email


def build_notification(enquiry, site_url=""):
    """The plain-text email to sales: HTML in a message arrives as inert text."""
    site_url = site_url or settings.ENQUIRY_SITE_URL
    admin_path = reverse("admin:services_enquiry_change", args=[enquiry.pk])
    topic = enquiry.topic
    context = {
        "enquiry": enquiry,
        "site_name": settings.SITE_NAME,
        "received": timezone.localtime(enquiry.created_at),
        "topic_url": absolute(site_url, topic.get_absolute_url()) if topic else "",
        "page_url": absolute(site_url, enquiry.page_url) if enquiry.page_url else "",
        "landing_page": (absolute(site_url, enquiry.landing_page) if enquiry.landing_page else ""),
        "admin_url": absolute(site_url, admin_path),
    }
    return EmailMessage(
        subject=notification_subject(enquiry),
        body=render_to_string("services/email/enquiry_notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.ENQUIRY_NOTIFY_EMAILS),
        reply_to=[reply_address(enquiry)],
    )


def build_acknowledgement(enquiry):
    """The short receipt to the visitor (ENQUIRY_SEND_ACKNOWLEDGEMENT)."""
    context = {"enquiry": enquiry, "site_name": settings.SITE_NAME}
    return EmailMessage(
        subject=one_line(f"We have your enquiry – {settings.SITE_NAME}"),
        body=render_to_string("services/email/enquiry_acknowledgement.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enquiry.email],
        reply_to=list(settings.ENQUIRY_NOTIFY_EMAILS[:1]),
    )


def describe_error(error):
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def send_notification(enquiry_id, attempt=1, site_url=""):
    """
    Email sales about one enquiry: attempt number `attempt`. Returns False when
    there is nothing to do (deleted, spam, already sent, or another attempt got
    there first), True once sent; raises NotificationFailed after recording the
    error on the enquiry.
    """
    # Claiming the attempt number in one UPDATE makes a retry, a resend and a
    # duplicate task safe to run at the same time: only one of them sends.
    claimed = (
        Enquiry.objects.filter(
            pk=enquiry_id,
            notification_attempts=attempt - 1,
            notification_status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED],
        )
        .not_spam()
        .update(notification_attempts=attempt)
    )
    if not claimed:
        return False
    enquiry = Enquiry.objects.for_changelist().get(pk=enquiry_id)
    try:
        if not settings.ENQUIRY_NOTIFY_EMAILS:
            raise NotificationFailed("ENQUIRY_NOTIFY_EMAILS is empty: nobody to notify.")
        build_notification(enquiry, site_url).send()
    except Exception as error:
        Enquiry.objects.filter(pk=enquiry_id).update(
            notification_status=NotificationStatus.FAILED,
            notification_last_error=describe_error(error),
        )
        raise NotificationFailed(describe_error(error)) from error

    first_time = enquiry.notified_at is None
    Enquiry.objects.filter(pk=enquiry_id).update(
        notification_status=NotificationStatus.SENT,
        notification_last_error="",
        notified_at=timezone.now(),
    )
    if first_time and settings.ENQUIRY_SEND_ACKNOWLEDGEMENT:
        try:
            build_acknowledgement(enquiry).send()
        except Exception:
            # Sales have it, which is what matters; the visitor saw the thank-you page.
            logger.exception("Acknowledgement for enquiry %s not sent", enquiry_id)
    return True


# --- Staff actions ---------------------------------------------------------------


def mark_contacted(queryset):
    return queryset.filter(status=EnquiryStatus.NEW).update(status=EnquiryStatus.CONTACTED)


def mark_spam(queryset):
    """Quarantine: no notification will be sent for these any more."""
    with transaction.atomic():
        queryset = queryset.not_spam()
        queryset.exclude(notification_status=NotificationStatus.SENT).update(
            notification_status=NotificationStatus.NOT_NEEDED
        )
        return queryset.update(status=EnquiryStatus.SPAM, spam_reason=SpamReason.STAFF)


def mark_not_spam(queryset, site_url=""):
    """Back to new; sales are notified of those they never heard about."""
    with transaction.atomic():
        spam = queryset.filter(status=EnquiryStatus.SPAM)
        unsent = list(
            spam.filter(notified_at__isnull=True).values_list("pk", "notification_attempts")
        )
        count = spam.update(status=EnquiryStatus.NEW, spam_reason="")
        Enquiry.objects.filter(pk__in=[pk for pk, _ in unsent]).update(
            notification_status=NotificationStatus.PENDING
        )
        for pk, attempts in unsent:
            queue_notification(pk, attempt=attempts + 1, site_url=site_url)
    return count


def resend_notifications(queryset, site_url=""):
    """Send the email to sales again for each genuine enquiry; returns how many."""
    with transaction.atomic():
        genuine = list(queryset.not_spam().values_list("pk", "notification_attempts"))
        Enquiry.objects.filter(pk__in=[pk for pk, _ in genuine]).update(
            notification_status=NotificationStatus.PENDING
        )
        for pk, attempts in genuine:
            queue_notification(pk, attempt=attempts + 1, site_url=site_url)
    return len(genuine)


def undelivered(stale_after):
    """Genuine enquiries whose email failed, or is still pending after `stale_after`."""
    pending_since = timezone.now() - stale_after
    return (
        Enquiry.objects.not_spam()
        .filter(notification_status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED])
        .exclude(notification_status=NotificationStatus.PENDING, created_at__gt=pending_since)
    )


# --- Exports and retention -------------------------------------------------------

CSV_COLUMNS = [
    ("id", "pk"),
    ("received", "created_at"),
    ("status", "status"),
    ("name", "name"),
    ("email", "email"),
    ("company", "company"),
    ("message", "message"),
    ("topic type", "topic_kind"),
    ("topic", "topic_title"),
    ("source page", "page_url"),
    ("referrer", "referrer"),
    ("landing page", "landing_page"),
    *((name.replace("_", " "), name) for name in UTM_PARAMETERS),
    ("assignee", "assignee"),
    ("notes", "notes"),
    ("notification", "notification_status"),
]
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def write_csv(queryset, out):
    writer = csv.writer(out)
    writer.writerow([heading for heading, _ in CSV_COLUMNS])
    for enquiry in queryset.for_changelist().iterator(chunk_size=500):
        writer.writerow([csv_cell(getattr(enquiry, attribute)) for _, attribute in CSV_COLUMNS])


PERSONAL_FIELDS = [
    "name",
    "email",
    "company",
    "message",
    "topic_kind",
    "topic_title",
    "page_url",
    "referrer",
    "landing_page",
    *UTM_PARAMETERS,
    "user_agent",
    "ip_hash",
    "consent_text",
    "consent_given_at",
    "status",
    "notes",
    "created_at",
]


def personal_data(enquiry):
    """Everything one enquiry holds about the person who sent it, for an access request."""
    data = {"id": enquiry.pk}
    for name in PERSONAL_FIELDS:
        value = getattr(enquiry, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def purge(before, *, spam_only=False, batch_size=500, dry_run=False):
    """Delete enquiries received before `before`, in batches; returns how many."""
    queryset = Enquiry.objects.received_before(before)
    if spam_only:
        queryset = queryset.filter(status=EnquiryStatus.SPAM)
    if dry_run:
        return queryset.count()
    deleted = 0
    while batch := list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        Enquiry.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted


# --- The "Leads by page" report --------------------------------------------------


@dataclass
class PageLeads:
    page_url: str
    title: str
    counts: list
    total: int = 0
    bar_width: int = 0


@dataclass
class LeadsReport:
    weeks: list
    pages: list
    week_totals: list
    week_bars: list
    total: int


CHART_WIDTH = 600
CHART_HEIGHT = 160


def leads_by_page(weeks, now=None):
    """Genuine enquiries per source page and per week, ready for the admin report's chart."""
    now = now or timezone.now()
    monday = timezone.localtime(now).date()
    monday -= timedelta(days=monday.weekday())
    week_starts = [monday - timedelta(weeks=n) for n in reversed(range(weeks))]
    column = {week: index for index, week in enumerate(week_starts)}

    pages = {}
    for row in Enquiry.objects.leads_by_page(weeks, now=now):
        week = row["week"]
        week = timezone.localtime(week).date() if hasattr(week, "hour") else week
        if isinstance(week, date) and week in column:
            page = pages.setdefault(
                row["page_url"], PageLeads(row["page_url"], row["title"] or "", [0] * weeks)
            )
            page.counts[column[week]] += row["count"]
            page.total += row["count"]
            page.title = page.title or row["title"] or ""

    ordered = sorted(pages.values(), key=lambda page: (-page.total, page.page_url))
    busiest_page = max((page.total for page in ordered), default=0)
    for page in ordered:
        page.bar_width = round(CHART_WIDTH * page.total / busiest_page) if busiest_page else 0
    week_totals = [sum(page.counts[i] for page in ordered) for i in range(weeks)]
    busiest_week = max(week_totals, default=0)
    bar_slot = CHART_WIDTH // max(weeks, 1)
    week_bars = [
        {
            "week": week,
            "count": count,
            "x": index * bar_slot + 2,
            "width": max(bar_slot - 4, 1),
            "height": round(CHART_HEIGHT * count / busiest_week) if busiest_week else 0,
            # Dates under at most 13 bars, so that they never overlap.
            "labelled": index % -(-weeks // 13) == 0,
        }
        for index, (week, count) in enumerate(zip(week_starts, week_totals, strict=True))
    ]
    for bar in week_bars:
        bar["y"] = CHART_HEIGHT - bar["height"]
    return LeadsReport(
        weeks=week_starts,
        pages=ordered,
        week_totals=week_totals,
        week_bars=week_bars,
        total=sum(week_totals),
    )
