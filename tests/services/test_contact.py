"""The contact form: from a page's "Get in Touch" button to a stored, notified enquiry."""

import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.urls import reverse

from consultancy.models import Status
from services import forms as contact_forms
from services.middleware import (
    FIRST_TOUCH_COOKIE,
    FIRST_TOUCH_MAX_AGE,
    FIRST_TOUCH_MAX_BYTES,
    first_touch,
)
from services.models import Enquiry, EnquiryStatus, NotificationStatus, TopicKind
from tests.factories import make_service, make_technology, make_term
from tests.helpers import h1_count

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

CONTACT_URL = reverse("services:contact")


def hidden_inputs(response):
    """The hidden fields of the rendered form, as a browser would send them back."""
    content = response.content.decode()
    values = {}
    for name in ("topic", "source", "started"):
        match = re.search(rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', content)
        assert match, f"no hidden {name} field"
        values[name] = (match.group(1) or "").replace("&quot;", '"').replace("&amp;", "&")
    return values


def wait(monkeypatch, seconds):
    """Lets `seconds` pass for the form's clock only (the visitor typing)."""
    now = time.time() + seconds
    monkeypatch.setattr(contact_forms, "time", SimpleNamespace(time=lambda: now))


def test_whole_flow_from_a_term_button_to_the_stored_enquiry_and_the_email(
    client, send_enquiry, enquiry_form_data, monkeypatch
):
    term = make_term(name="Foundation Model")
    term_page = f"http://testserver{term.get_absolute_url()}"

    form_page = client.get(term.get_contact_url(), HTTP_REFERER=term_page)
    assert form_page.status_code == 200
    assert "About: <a" in form_page.content.decode()
    assert "Foundation Model" in form_page.content.decode()

    wait(monkeypatch, 20)
    response = send_enquiry(
        enquiry_form_data(**hidden_inputs(form_page)), HTTP_USER_AGENT="TestBrowser/1.0"
    )
    assert response.status_code == 302
    assert response.url == reverse("services:contact_thanks")

    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.email, enquiry.company) == (
        "Ada Lovelace",
        "ada@example.com",
        "Analytical Engines Ltd",
    )
    assert enquiry.term == term
    assert (enquiry.topic_kind, enquiry.topic_title) == (TopicKind.TERM, "Foundation Model")
    assert enquiry.page_url == term.get_absolute_url()
    assert enquiry.user_agent == "TestBrowser/1.0"
    assert enquiry.status == EnquiryStatus.NEW
    assert "privacy notice (/privacy/)" in enquiry.consent_text
    assert enquiry.consent_given_at is not None
    assert enquiry.notification_status == NotificationStatus.SENT
    assert enquiry.notification_attempts == 1

    [email] = mail.outbox
    assert email.to == ["sales@example.com"]
    assert email.reply_to == ["ada@example.com"]
    assert "Foundation Model" in email.subject
    assert term_page in email.body
    assert f"/admin/services/enquiry/{enquiry.pk}/change/" in email.body

    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "What happens next" in thanks.content.decode()


@pytest.mark.parametrize(
    ("make", "kind"),
    [(make_service, TopicKind.SERVICE), (make_technology, TopicKind.TECHNOLOGY)],
)
def test_services_and_technologies_are_recorded_as_topics_too(
    client, send_enquiry, enquiry_form_data, make, kind
):
    item = make()
    form_page = client.get(item.get_contact_url())
    assert f'About: <a href="{item.get_absolute_url()}">{item}</a>' in form_page.content.decode()

    send_enquiry(enquiry_form_data(topic=item.contact_topic))

    enquiry = Enquiry.objects.get()
    assert enquiry.topic == item
    assert (enquiry.topic_kind, enquiry.topic_title) == (kind, str(item))
    # Without a Referer, the topic's page stands for the source page.
    assert enquiry.page_url == item.get_absolute_url()


@pytest.mark.parametrize(
    "topic",
    ["term:no-such-term", "draft", "service:", "nonsense", "glossary:term-1", "term:" + "x" * 300],
)
def test_unknown_or_unpublished_topic_falls_back_to_the_plain_form(
    client, send_enquiry, enquiry_form_data, topic
):
    draft = make_term(name="Secret Draft", status=Status.DRAFT)
    if topic == "draft":
        topic = draft.contact_topic

    response = client.get(CONTACT_URL, {"topic": topic})
    assert response.status_code == 200
    assert "About:" not in response.content.decode()

    send_enquiry(enquiry_form_data(topic=topic))
    enquiry = Enquiry.objects.get()
    assert enquiry.topic is None
    assert (enquiry.topic_kind, enquiry.topic_title) == ("", "")


@pytest.mark.parametrize(
    "topic", ["term:a\x00b", "term:\x00", "\x00:\x00", "service:x\x1by", "term:é", "term:a b"]
)
def test_a_topic_with_nul_or_control_characters_falls_back_to_the_plain_form(client, topic):
    """PostgreSQL refuses NUL in a query: such a topic used to answer 500 there."""
    make_term(slug="a-b")
    response = client.get(CONTACT_URL, {"topic": topic})
    assert response.status_code == 200
    assert "About:" not in response.content.decode()


def test_a_posted_topic_with_nul_is_no_topic(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(topic="term:a\x00b"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.topic, enquiry.topic_kind) == (None, "")


def test_contact_page_alone_shows_the_plain_form_with_one_heading(client):
    response = client.get(CONTACT_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "About:" not in content
    assert 'href="/privacy/"' in content


def test_form_is_accessible(client):
    content = client.get(CONTACT_URL).content.decode()
    for field, autocomplete in [("name", "name"), ("email", "email"), ("company", "organization")]:
        assert f'<label for="id_{field}">' in content
        assert re.search(rf'<input [^>]*autocomplete="{autocomplete}"[^>]*id="id_{field}"', content)
    assert '<label for="id_message">' in content
    assert '<label for="id_consent">' in content
    assert 'aria-describedby="id_email_helptext"' in content


def test_honeypot_is_hidden_by_css_unfocusable_and_labelled(client):
    content = client.get(CONTACT_URL).content.decode()
    trap = re.search(r'<div class="contact-form__trap">(.*?)</div>', content, re.S).group(1)
    assert '<label for="id_website">Leave this field empty' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap


def test_pages_use_no_inline_script_or_style(client, send_enquiry, enquiry_form_data):
    pages = [
        client.get(CONTACT_URL),
        client.post(CONTACT_URL, enquiry_form_data(name="")),
        client.get(reverse("services:contact_thanks")),
        client.get(reverse("privacy")),
    ]
    for page in pages:
        content = page.content.decode()
        assert "style=" not in content
        assert "<style" not in content
        # Scripts only as files of this site (static/js/journey.js): never inline.
        assert not re.search(r"<script(?![^>]*(?:application/ld\+json|src=\"/static/))", content)
        assert not re.search(r"<script src=[^>]*>[^<]", content)


@pytest.mark.parametrize("url_name", ["services:contact", "services:contact_thanks"])
def test_form_and_thanks_pages_are_never_cached(client, url_name):
    response = client.get(reverse(url_name))
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in cache_control


def test_invalid_form_response_is_never_cached(client, enquiry_form_data):
    response = client.post(CONTACT_URL, enquiry_form_data(email="nope"))
    assert "no-store" in response["Cache-Control"]


def test_privacy_page_states_the_retention_policy(client):
    response = client.get(reverse("privacy"))
    content = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "24 months" in content
    assert "30 days" in content


def test_privacy_page_says_a_campaign_visit_is_kept_in_the_browser_for_30_days(client):
    content = client.get(reverse("privacy")).content.decode()
    assert "a cookie in your browser remembers that link" in content
    assert f"for up to {FIRST_TOUCH_MAX_AGE // 86400} days" in content
    assert "we store nothing about your visit unless you send us an enquiry" in content


# --- Bad input ------------------------------------------------------------------------

BAD_INPUT = [
    ("name", "", "Please tell us your name."),
    ("name", "   \t  ", "Please tell us your name."),
    ("name", "Ada\nLovelace", "Please write your name on a single line."),
    ("name", "Ada\r\nBcc: victim@example.com", "Please write your name on a single line."),
    ("name", "Ada\u2028Lovelace", "Please write your name on a single line."),
    ("name", "Ada\x1b[31mLovelace", "invisible control character"),
    ("name", "Ada\x00", "invisible control character"),
    ("name", "A" * 101, "Please keep your name to at most 100 characters (it has 101)."),
    ("email", "", "Please give an email address"),
    ("email", "not-an-address", "Please enter an email address like name@example.com."),
    ("email", "ada@example.com\nBcc: x@example.com", "Please enter an email address"),
    ("email", "a" * 250 + "@example.com", "at most 254 characters"),
    ("name", "Jane \u202eelgoog", "invisible formatting character it contains (U+202E"),
    ("name", "Jane\u2066 Doe", "invisible formatting character"),
    ("name", "Jane\ufeff", "invisible formatting character"),
    ("email", "ada@exam\u200bple.com", "invisible formatting character"),
    ("email", '"ada"@example.com', "Please enter an email address like name@example.com."),
    ("company", "ACME\x07", "invisible control character"),
    ("company", "ACME \u202d Ltd", "invisible formatting character"),
    ("company", "ACME\nLtd", "Please write the company name on a single line."),
    ("company", "C" * 151, "at most 150 characters"),
    ("message", "", "Please write a message."),
    ("message", " \n\n ", "Please write a message."),
    ("message", "Hello\x00world", "invisible control character"),
    ("message", "Hello\x08world", "invisible control character"),
    ("message", "Hello\u2028world", "invisible control character"),
    ("message", "\u202e\u202c", "Please write a message."),
    ("message", "M" * 5001, "Please keep your message to at most 5000 characters (it has 5001)."),
    ("consent", None, "Please agree to the privacy notice"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_field_error_and_nothing_is_stored(
    client, enquiry_form_data, field, value, message
):
    data = enquiry_form_data(**{field: value})
    response = client.post(CONTACT_URL, data)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert not mail.outbox
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    content = response.content.decode()
    # The summary at the top links to the field, whose errors are announced with it.
    assert f'<a href="#id_{field}">' in content
    assert f'id="id_{field}_error"' in content
    assert re.search(rf'<(input|textarea)[^>]*aria-invalid="true"[^>]*id="id_{field}"', content)
    assert h1_count(response) == 1


def test_formatting_characters_are_removed_from_a_message(send_enquiry, enquiry_form_data):
    """A long message is not refused for an invisible mark: it is stored without it."""
    send_enquiry(enquiry_form_data(message="Hello \u202eworld\u202c,\u200b again\u200f."))
    assert Enquiry.objects.get().message == "Hello world, again."


def test_joiners_are_accepted_in_names_and_messages(send_enquiry, enquiry_form_data):
    """Persian, Indic scripts and emoji sequences need them; they hide and reorder nothing."""
    send_enquiry(enquiry_form_data(name="Ali\u200cReza", message="Hi 👩\u200d💻"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.message) == ("Ali\u200cReza", "Hi 👩\u200d💻")


def test_the_form_keeps_every_value_after_an_error(client, enquiry_form_data):
    response = client.post(CONTACT_URL, enquiry_form_data(email="nope", consent=None))
    content = response.content.decode()
    assert 'value="Ada Lovelace"' in content
    assert 'value="nope"' in content
    assert 'value="Analytical Engines Ltd"' in content
    assert "We would like help evaluating a foundation model.</textarea>" in content


def test_the_topic_survives_an_error(client, enquiry_form_data):
    term = make_term(name="Vector Database")
    response = client.post(CONTACT_URL, enquiry_form_data(topic=term.contact_topic, name=""))
    assert "About: <a" in response.content.decode()
    assert "Vector Database" in response.content.decode()


def test_html_in_any_field_is_shown_escaped(client, enquiry_form_data):
    script = "<script>alert(1)</script>"
    response = client.post(
        CONTACT_URL,
        enquiry_form_data(name=script, company=script, message=script, consent=None),
    )
    content = response.content.decode()
    assert script not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_garbage_post_never_causes_a_server_error(client):
    response = client.post(
        CONTACT_URL,
        {"name": ["a", "b"], "email": "\x00", "started": "x" * 10000, "topic": "\x00:\x00"},
    )
    assert response.status_code == 200
    assert not Enquiry.objects.exists()


# --- Attribution -------------------------------------------------------------------


def test_source_page_comes_from_the_page_that_linked_to_the_form(
    client, send_enquiry, enquiry_form_data
):
    page = client.get(CONTACT_URL, HTTP_REFERER="http://testserver/services/rag/?x=1")
    send_enquiry(enquiry_form_data(source=hidden_inputs(page)["source"]))
    enquiry = Enquiry.objects.get()
    assert enquiry.page_url == "/services/rag/"
    assert enquiry.referrer == ""


def test_another_site_linking_to_the_form_is_recorded_as_the_referrer(
    client, send_enquiry, enquiry_form_data
):
    page = client.get(CONTACT_URL, HTTP_REFERER="https://news.example.org/")
    hidden = hidden_inputs(page)
    send_enquiry(enquiry_form_data(source=hidden["source"]))
    enquiry = Enquiry.objects.get()
    assert enquiry.page_url == ""
    assert enquiry.referrer == "https://news.example.org/"


@pytest.mark.parametrize(
    "source",
    [
        "/\\evil.example/",
        "http://testserver/\\evil.example/",
        "http://testserver//evil.example/",
        "/\\\\evil",
        "/a\\b/",
        "javascript:alert(1)",
        "http://[broken",
    ],
)
def test_a_source_that_a_browser_would_take_off_this_site_is_not_recorded_as_the_page(
    send_enquiry, enquiry_form_data, source
):
    response = send_enquiry(enquiry_form_data(source=source))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.page_url == ""


def test_a_made_up_referrer_header_on_a_campaign_visit_is_ignored(client):
    response = client.get("/privacy/?utm_source=x", HTTP_REFERER="http://[broken")
    assert response.status_code == 200


def test_utm_first_touch_is_kept_from_the_landing_page(client, send_enquiry, enquiry_form_data):
    term = make_term()
    landing = "/privacy/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=llm&utm_content=top"
    client.get(landing, HTTP_REFERER="https://mail.example.net/")
    # Later pages of the visit, with other campaign links, do not replace the first touch.
    client.get("/privacy/?utm_source=other")
    send_enquiry(enquiry_form_data(topic=term.contact_topic))

    enquiry = Enquiry.objects.get()
    assert enquiry.landing_page == landing
    assert enquiry.referrer == "https://mail.example.net/"
    assert (
        enquiry.utm_source,
        enquiry.utm_medium,
        enquiry.utm_campaign,
        enquiry.utm_term,
        enquiry.utm_content,
    ) == ("newsletter", "email", "spring", "llm", "top")
    assert enquiry.page_url == term.get_absolute_url()
    assert "newsletter" in mail.outbox[0].body


def test_ordinary_visits_create_no_session(client):
    response = client.get("/privacy/")
    assert "sessionid" not in response.cookies
    client.get(CONTACT_URL)
    assert not Session.objects.exists()


def test_campaign_visit_keeps_its_first_touch_in_a_cookie_and_writes_nothing(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/privacy/?utm_campaign=launch")
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies
    cookie = response.cookies[FIRST_TOUCH_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == FIRST_TOUCH_MAX_AGE
    assert not cookie["secure"]
    assert first_touch(SimpleNamespace(COOKIES={FIRST_TOUCH_COOKIE: cookie.value})) == {
        "landing_page": "/privacy/?utm_campaign=launch",
        "referrer": "",
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "launch",
        "utm_term": "",
        "utm_content": "",
    }


def test_the_first_touch_cookie_is_secure_when_the_site_is(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/privacy/?utm_campaign=launch", secure=True)
    assert response.cookies[FIRST_TOUCH_COOKIE]["secure"] is True


@pytest.mark.parametrize(
    "cookie",
    [
        "forged",
        "eyJ1dG1fc291cmNlIjoiZXZpbCJ9:1tXYZ:abcdefghijklmnopqrstuvwxyz0123456789ABC",
        signing.dumps({"utm_source": "evil"}, salt="another-purpose"),
        signing.dumps({"utm_source": "evil"}, salt="services.first-touch")[:-2] + "xx",
        "",
    ],
)
def test_a_forged_first_touch_cookie_is_ignored(client, send_enquiry, cookie):
    client.cookies[FIRST_TOUCH_COOKIE] = cookie
    send_enquiry()
    enquiry = Enquiry.objects.get()
    assert (enquiry.utm_source, enquiry.landing_page) == ("", "")


def test_a_forged_cookie_does_not_stop_a_campaign_visit_being_recorded(client, send_enquiry):
    client.cookies[FIRST_TOUCH_COOKIE] = "forged"
    client.get("/privacy/?utm_source=newsletter")
    send_enquiry()
    assert Enquiry.objects.get().utm_source == "newsletter"


def test_the_first_touch_cookie_stays_small_whatever_the_link(client, send_enquiry):
    huge = "".join(chr(0x4E00 + n) for n in range(500))
    response = client.get("/privacy/", dict.fromkeys(("utm_source", "utm_campaign"), huge))
    assert len(response.cookies[FIRST_TOUCH_COOKIE].value) <= FIRST_TOUCH_MAX_BYTES
    send_enquiry()
    enquiry = Enquiry.objects.get()
    assert enquiry.utm_source
    assert huge.startswith(enquiry.utm_source)


def test_first_touch_values_are_cut_and_cleaned(client, send_enquiry, enquiry_form_data):
    client.get("/privacy/", {"utm_source": "x\x00y" + "z" * 500})
    send_enquiry()
    enquiry = Enquiry.objects.get()
    assert enquiry.utm_source == ("xy" + "z" * 500)[:200]


def test_raw_ip_address_is_never_stored(send_enquiry, enquiry_form_data):
    send_enquiry(REMOTE_ADDR="203.0.113.9")
    enquiry = Enquiry.objects.get()
    assert len(enquiry.ip_hash) == 64
    stored = " ".join(str(value) for value in Enquiry.objects.values().get().values())
    assert "203.0.113.9" not in stored


def test_an_error_report_never_carries_what_the_visitor_wrote(
    client, enquiry_settings, enquiry_form_data, monkeypatch, settings
):
    """A failure while recording an enquiry emails the admins, without the message."""
    settings.ADMINS = ["ops@example.com"]
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug while recording")

    monkeypatch.setattr("services.enquiries.record_enquiry", broken)
    data = enquiry_form_data(message="My secret project is called Bluebird.")
    response = client.post(reverse("services:contact"), data)
    assert response.status_code == 500
    (report,) = [m for m in mail.outbox if "ops@example.com" in m.to]
    assert "Bluebird" not in report.body
    assert "ada@example.com" not in report.body
