"""
Spam defences and rate limits for the contact form: who sent a submission, how
often they have, and whether it looks like spam. No CAPTCHA and no third-party
calls (README, "Spam and rate limits").

Rate limits are small counters in Django's default cache (fixed windows, keyed
by hashes, never raw addresses). While the cache does not answer they are
counted in the process instead, and the log says so: limits then apply per
app server process, but an enquiry is never lost for want of a counter.
"""

import hashlib
import hmac
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from consultancy.cache_backends import CacheUnavailable
from consultancy.clients import client_ip
from consultancy.outage_log import OncePerInterval
from services.middleware import first_touch
from services.models import SpamReason
from services.models.enquiry import USER_AGENT_MAX_LENGTH
from services.text import printable

# Over the rate limit, submissions are still stored (as spam) until this many
# times the limit: a person who retried too often loses nothing, while a flood
# cannot fill the database.
QUARANTINE_FACTOR = 3
# Counters kept in the process while the cache is unavailable: bounded.
LOCAL_COUNTERS_MAX = 10_000

logger = logging.getLogger(__name__)


class LocalCounts:
    """Fixed-window counters in this process, the oldest dropped past a bound."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self.counts = OrderedDict()
        self.lock = threading.Lock()
        self.log_warning = OncePerInterval(logger, logging.WARNING)

    def hit(self, key):
        with self.lock:
            self.counts[key] = self.counts.pop(key, 0) + 1
            while len(self.counts) > self.max_entries:
                self.counts.popitem(last=False)
            count = self.counts[key]
        self.log_warning("Rate limits are counted in this process while the cache is unavailable.")
        return count


local_counts = LocalCounts(LOCAL_COUNTERS_MAX)


def keyed_hash(value, purpose):
    """HMAC-SHA256 of `value`: stable for counting and matching, but not reversible."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.ENQUIRY_IP_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def hash_ip(ip):
    return keyed_hash(ip, "ip") if ip else ""


def count_hit(scope, key):
    """
    Count one submission for `key` in the current fixed window of the cache and
    return the count so far. add() then incr() is atomic on Redis and Memcached.
    """
    window = settings.ENQUIRY_RATE_LIMIT_WINDOW_SECONDS
    cache_key = f"enquiry-rate:{scope}:{key}:{int(time.time() // window)}"
    try:
        cache.add(cache_key, 0, timeout=window + 60)
        return cache.incr(cache_key)
    except ValueError:  # Evicted between add() and incr().
        cache.set(cache_key, 1, timeout=window + 60)
        return 1
    except CacheUnavailable:
        return local_counts.hit(cache_key)


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
    """What we know of the sender of a valid form; counts it against their IP's limit."""
    ip_hash = hash_ip(client_ip(request))
    return Submission(
        ip_hash=ip_hash,
        user_agent=printable(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_MAX_LENGTH),
        host=request.get_host(),
        site_url=request.build_absolute_uri("/").rstrip("/"),
        first_touch=first_touch(request),
        ip_count=count_hit("ip", ip_hash or "unknown"),
    )


# Contacts: reasons that make a submission suspicious, not certainly spam. A
# password manager fills the form in under a second, and a privacy extension
# may strip the timestamp: such enquiries are held for review (status "held"),
# never silently filed as spam. A filled honeypot or a flood is spam.
HOLD_REASONS = frozenset({SpamReason.TOO_FAST, SpamReason.NO_TIMESTAMP})


def spam_reason(data, submission):
    """
    Why this valid submission looks like spam, or None if it does not. The
    certain reasons come first, so that a flood is spam even when also fast.
    """
    if data["website"]:
        return SpamReason.HONEYPOT
    if submission.rate_limited:
        return SpamReason.RATE_LIMITED
    if data["started"] is None:
        return SpamReason.NO_TIMESTAMP
    if data["started"] < settings.ENQUIRY_MIN_FILL_SECONDS:
        return SpamReason.TOO_FAST
    return None
