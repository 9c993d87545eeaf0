"""
Hostile input never makes the public site fail: random paths, query strings
and form bodies (NUL, control and format characters, random Unicode, very long
values, repeated parameters) sent to every public URL answer below 500, on
SQLite and on PostgreSQL, which refuses NUL in a query.

Property-based (hypothesis), bounded to keep the suite fast: a fixed number of
examples per test, derandomised so that every run tries the same inputs and a
failure is reproducible (no example database is kept). Django's test
client re-raises a view's exception, so a failure shows the traceback of what
would have been a 500.
"""

from urllib.parse import quote, urlencode

import pytest
from django.core import mail
from hypothesis import HealthCheck, given, strategies
from hypothesis import settings as hypothesis_settings

from services.models import Enquiry, EnquiryStatus, NotificationStatus
from tests.factories import make_service, make_technology, make_term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

FUZZ = hypothesis_settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    # One database and one client serve every example of a test: that is the point.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
    ],
)

# Every public URL, with the query parameters its page reads.
PUBLIC_PAGES = {
    "/": [],
    "/glossary/": ["q", "page", "tag"],
    "/glossary/letter/f/": ["q", "page", "tag"],
    "/glossary/letter/0-9/": ["page", "tag"],
    "/glossary/?q=model": ["page"],
    "/glossary/?tag=llm": ["page", "q"],
    "/glossary/foundation-model/": [],
    "/glossary/feed/": [],
    "/services/": ["page"],
    "/services/cloud-ai-modernisation/": [],
    "/technologies/": ["page"],
    "/technologies/openai-integration/": [],
    "/contact/": ["topic"],
    "/contact/thanks/": [],
    "/privacy/": [],
    "/sitemap.xml": ["p"],
    "/robots.txt": [],
    "/healthz": [],
    "/readyz": [],
}
# Campaign links may point at any page (services/middleware.py reads them).
CAMPAIGN = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
PREFIXES = ["/", "/glossary/", "/glossary/letter/", "/services/", "/technologies/", "/contact/"]
# Inputs that broke this site or sites like it, tried alongside the random ones.
TRICKY = [
    "\x00",
    "1\x00",
    "term:a\x00b",
    "\x00:\x00",
    "%00",
    "\x1b[31m",
    "\r\nBcc: victim@example.com",
    "\u202e",
    "\ufeff",
    "\u2028",
    "=?utf-8?q?=22Jane=22_=3Cattacker=40evil=2Eexample=3E?=",
    "=?utf-8?q?a=0Ab?=@example.com",
    '"=?utf-8?q?a=0Ab?="@example.com',
    "/\\evil.example/",
    "//evil.example/",
    "http://testserver//evil.example/",
    "javascript:alert(1)",
    "http://[broken",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    " 1",
    "01",
    "+1",
    "1_0",
    "\u0663",
    "-1",
    "0",
    "last",
    "1e3",
    "9" * 5000,
    "term:",
    "term:foundation-model",
    "service:cloud-ai-modernisation",
    ":",
    "..",
]
HIDDEN = ["\x00", "\x1b", "\x7f", "\r\n", "\u202e", "\u2066", "\u200b", "\u2028"]
FIELDS = ["name", "email", "company", "message", "consent", "website"]
HIDDEN_FIELDS = ["topic", "source", "started"]

unicode_text = strategies.text(strategies.characters(exclude_categories=["Cs"]), max_size=40)
very_long = strategies.builds(
    lambda text, times: text * times,
    strategies.text(strategies.characters(exclude_categories=["Cs"]), min_size=1, max_size=3),
    strategies.integers(300, 3000),
)
# Plausible values with a hidden character inside, what a slug or page check
# must catch: NUL, which PostgreSQL refuses, half the time.
with_hidden = strategies.builds(
    lambda before, hidden, after: before + hidden + after,
    strategies.sampled_from(["", "1", "term:", "term:foundation-model", "llm", "model"]),
    strategies.one_of(strategies.just("\x00"), strategies.sampled_from(HIDDEN)),
    strategies.sampled_from(["", "1", "x", "-model"]),
)
values = strategies.one_of(unicode_text, strategies.sampled_from(TRICKY), with_hidden, very_long)
one_or_repeated = strategies.one_of(values, strategies.lists(values, min_size=2, max_size=3))
made_up_parameters = strategies.lists(strategies.tuples(unicode_text, values), max_size=2)


def as_pairs(known, extra=()):
    """Query or form pairs: a list value is a parameter sent several times."""
    pairs = [
        (name, value)
        for name, given in known.items()
        for value in (given if isinstance(given, list) else [given])
    ]
    return [*pairs, *extra]


def parameters_for(path):
    """Hostile values for what the page at `path` reads and for campaign links, and made-up ones."""
    read = PUBLIC_PAGES.get(path, []) or PUBLIC_PAGES.get(path.split("?")[0], [])
    known = (
        strategies.dictionaries(strategies.sampled_from(read), one_or_repeated, max_size=3)
        if read
        else strategies.just({})
    )
    campaign = strategies.dictionaries(strategies.sampled_from(CAMPAIGN), values, max_size=2)
    return strategies.builds(
        lambda known, campaign, made_up: as_pairs({**campaign, **known}, made_up),
        known,
        campaign,
        made_up_parameters,
    )


def requests_to(paths):
    """(path, query pairs) for paths drawn from `paths`."""
    return paths.flatmap(
        lambda path: strategies.tuples(strategies.just(path), parameters_for(path))
    )


public_pages = strategies.sampled_from(list(PUBLIC_PAGES))
made_up_paths = strategies.builds(
    lambda prefix, segments, slash: (
        prefix + "/".join(quote(segment, safe="") for segment in segments) + slash
    ),
    strategies.sampled_from(PREFIXES),
    strategies.lists(values, min_size=1, max_size=3),
    strategies.sampled_from(["", "/"]),
)


@pytest.fixture
def public_site():
    """One page of every kind, with the slugs PUBLIC_PAGES names."""
    term = make_term(name="Foundation Model", slug="foundation-model", tags=["llm"])
    term.services.add(make_service(slug="cloud-ai-modernisation"))
    term.technologies.add(make_technology(slug="openai-integration"))
    make_term(name="3D Vision", slug="3d-vision")


def with_query(path, pairs):
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}{urlencode(pairs)}" if pairs else path


@FUZZ
@given(request=requests_to(public_pages), get=strategies.booleans())
def test_no_public_page_fails_on_a_hostile_query_string(client, public_site, request, get):
    url = with_query(*request)
    response = client.get(url) if get else client.head(url)
    assert response.status_code < 500, url


@FUZZ
@given(request=requests_to(made_up_paths))
def test_no_path_fails_however_it_is_spelled(client, public_site, request):
    url = with_query(*request)
    assert client.get(url).status_code < 500, url


@FUZZ
@given(request=requests_to(public_pages))
def test_a_hostile_post_to_any_public_page_never_fails(client, public_site, request):
    path, pairs = request
    body = urlencode(pairs)
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (path, pairs)


@FUZZ
@given(
    changes=strategies.dictionaries(strategies.sampled_from(FIELDS), one_or_repeated, max_size=3),
    # The form fills these in: only a forger sends other values, which the server looks up.
    hidden=strategies.dictionaries(
        strategies.sampled_from(HIDDEN_FIELDS), strategies.one_of(values, with_hidden), max_size=2
    ),
    extra=made_up_parameters,
    address=strategies.ip_addresses().map(str),
)
def test_the_contact_form_never_fails_and_every_genuine_enquiry_is_notified(
    client,
    public_site,
    enquiry_form_data,
    django_capture_on_commit_callbacks,
    changes,
    hidden,
    extra,
    address,
):
    """
    Starting from a valid form, so that many examples are stored and emailed:
    whatever a visitor sends, it is either refused with a message or recorded,
    and the email about a genuine one goes out at the first attempt.
    """
    valid = enquiry_form_data(topic="term:foundation-model")
    pairs = as_pairs({**valid, **changes, **hidden}, extra)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/contact/",
            urlencode(pairs),
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR=address,
        )
    assert response.status_code < 500, pairs
    assert not Enquiry.objects.filter(notification_status=NotificationStatus.FAILED).exists()
    assert len(mail.outbox) == Enquiry.objects.filter(status=EnquiryStatus.NEW).count()


@FUZZ
@given(body=strategies.binary(max_size=300))
def test_the_contact_form_never_fails_on_a_body_that_is_not_text(client, public_site, body):
    response = client.post("/contact/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
