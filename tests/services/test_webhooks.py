"""
Webhooks: Standard Webhooks deliveries to a receiver of the test's own (a real
HTTP server on a free port), the events that queue them, retries with backoff
and the log, spam never sent, the payload, the Slack format, the admin.
"""

import base64
import contextlib
import io
import json
import re
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from services import webhooks
from services.models import (
    DeliveryStatus,
    Enquiry,
    EnquiryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    WebhookFormat,
)
from services.models.webhook import generate_secret, validate_secret, validate_webhook_url
from services.webhook_delivery import DeliveryFailed, deliver_webhook, retry_delay, sign
from tests.factories import make_enquiry, make_term
from tests.servers import WebhookReceiver

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("enquiry_settings", "webhook_settings"),
]

README = Path(__file__).resolve().parents[2] / "README.md"
SITE = "https://halyard.example"
ALL_EVENTS = list(WebhookEvent.values)
CHANGELIST = reverse("admin:services_enquiry_changelist")


@pytest.fixture
def webhook_settings(settings):
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = True
    settings.WEBHOOK_RETRY_SECONDS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 5
    settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 2
    return settings


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def queue(settings):
    """A queue that keeps tasks until the test runs them (and can defer them, as production's)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend


@pytest.fixture
def run_queued(queue, django_capture_on_commit_callbacks):
    """Run the queued deliveries in order, as a worker would; returns the task results run."""

    def run():
        ran = []
        while queued := [r for r in queue.results if r.task.func is deliver_webhook.func]:
            result = queued[0]
            queue.results.remove(result)
            # The task fails, as the queue would show; its retry is queued.
            with (
                django_capture_on_commit_callbacks(execute=True),
                contextlib.suppress(DeliveryFailed),
            ):
                result.task.call(*result.args, **result.kwargs)
            ran.append(result)
        return ran

    return run


def run_first_attempt(queue, capture):
    """Run the queued first attempt alone, and see it fail."""
    result = next(r for r in queue.results if r.task.func is deliver_webhook.func)
    queue.results.remove(result)
    with capture(execute=True), pytest.raises(DeliveryFailed):
        result.task.call(*result.args, **result.kwargs)


def make_webhook(url, **overrides):
    values = {"name": "CRM", "url": url, "events": ALL_EVENTS}
    values.update(overrides)
    return Webhook.objects.create(**values)


def readme_verify():
    """The `verify` function of the README's receiver example, exactly as the README shows it."""
    text = README.read_text(encoding="utf-8")
    code = re.search(r"<!-- webhook-verify-example -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace["verify"]


def queue_created(enquiry, capture, site_url=SITE):
    with capture(execute=True):
        return webhooks.queue_event([enquiry.pk], WebhookEvent.CREATED, site_url=site_url)


def post_change_form(client, enquiry, capture, **values):
    data = {"status": enquiry.status, "assignee": enquiry.assignee_id or "", "notes": ""}
    data.update(values)
    with capture(execute=True):
        response = client.post(reverse("admin:services_enquiry_change", args=[enquiry.pk]), data)
    assert response.status_code == 302
    return response


# --- Secrets and URLs ------------------------------------------------------------


def test_a_blank_secret_is_generated_well_formed_and_unique():
    first = make_webhook("https://crm.example/hooks")
    second = make_webhook("https://crm.example/other")
    for secret in (first.secret, second.secret):
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
        validate_secret(secret)
    assert first.secret != second.secret


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        ("sk_" + base64.b64encode(b"x" * 32).decode(), "secret_prefix"),
        ("whsec_not base64!", "secret_base64"),
        ("whsec_" + base64.b64encode(b"x" * 23).decode(), "secret_length"),
        ("whsec_" + base64.b64encode(b"x" * 65).decode(), "secret_length"),
    ],
)
def test_a_typed_in_secret_must_be_whsec_and_24_to_64_bytes_of_base64(secret, code):
    with pytest.raises(ValidationError) as error:
        validate_secret(secret)
    assert error.value.code == code
    validate_secret("whsec_" + base64.b64encode(b"x" * 24).decode())


@pytest.mark.parametrize(
    ("url", "allowed_while_debugging", "allowed_in_production"),
    [
        ("https://crm.example.com/hooks", True, True),
        ("http://crm.example.com/hooks", False, False),
        ("http://localhost:8001/hooks", True, False),
        ("http://127.0.0.1:8001/hooks", True, False),
        ("https://127.0.0.1/hooks", True, False),
        ("https://10.0.0.5/hooks", False, False),
        ("https://169.254.169.254/latest/meta-data", False, False),
        ("ftp://crm.example.com/", False, False),
        ("crm.example.com/hooks", False, False),
    ],
)
def test_urls_are_https_only_with_http_for_localhost_only_while_debugging(
    settings, url, allowed_while_debugging, allowed_in_production
):
    for allow_local, allowed in ((True, allowed_while_debugging), (False, allowed_in_production)):
        settings.WEBHOOK_ALLOW_LOCAL_HTTP = allow_local
        if allowed:
            validate_webhook_url(url)
        else:
            with pytest.raises(ValidationError):
                validate_webhook_url(url)


@pytest.fixture
def dns(monkeypatch):
    """Names the test resolves itself: {name: address}; any other name does not resolve."""
    names = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.mark.parametrize("private", ["10.1.2.3", "127.0.0.1", "169.254.169.254", "192.168.0.9"])
def test_a_name_that_resolves_to_a_private_address_is_refused(dns, settings, private):
    dns["crm.internal.example"] = private
    for allow_local in (True, False):
        settings.WEBHOOK_ALLOW_LOCAL_HTTP = allow_local
        with pytest.raises(ValidationError) as error:
            validate_webhook_url("https://crm.internal.example/hooks")
        assert error.value.code == "private_host"
        assert f"crm.internal.example resolves to {private}" in error.value.messages[0]


def test_a_name_that_resolves_to_a_public_address_or_not_at_all_is_accepted(dns):
    dns["crm.example.com"] = "93.184.215.14"
    validate_webhook_url("https://crm.example.com/hooks")
    # Not resolving (yet) is no reason to refuse it: sending says so if it lasts.
    validate_webhook_url("https://crm-to-be.example.com/hooks")


def test_a_name_that_resolves_to_a_private_address_by_send_time_is_not_posted_to(
    dns, django_capture_on_commit_callbacks
):
    dns["crm.example.com"] = "93.184.215.14"
    webhook = make_webhook("https://crm.example.com/hooks")
    webhook.full_clean()
    # The name is pointed into the site's own network after the webhook was saved.
    dns["crm.example.com"] = "10.1.2.3"
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "crm.example.com resolves to 10.1.2.3" in delivery.last_error


def test_local_http_is_allowed_only_while_debugging_by_default():
    from consultancy import settings as project_settings

    assert project_settings.WEBHOOK_ALLOW_LOCAL_HTTP is project_settings.DEBUG


def test_a_url_refused_by_the_form_is_refused_at_send_time_too(
    settings, receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(receiver.url)
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = False
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "https://" in delivery.last_error
    assert receiver.requests == []


# --- Headers and signature --------------------------------------------------------


def test_a_delivery_is_signed_as_standard_webhooks_and_verifies_by_the_readme_example(
    receiver, send_enquiry
):
    webhook = make_webhook(receiver.url)
    before = int(time.time())
    send_enquiry()
    delivery = WebhookDelivery.objects.get()
    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]

    assert request["path"] == "/hooks/enquiries"
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == delivery.message_id
    assert re.fullmatch(r"msg_[0-9a-f]{32}", delivery.message_id)
    assert before <= int(headers["webhook-timestamp"]) <= int(time.time())
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]{43}=", headers["webhook-signature"])
    assert json.loads(body)["type"] == "enquiry.created"

    verify = readme_verify()
    assert verify(webhook.secret, headers, body)
    assert not verify(generate_secret(), headers, body)
    assert not verify(webhook.secret, headers, body.replace(b"Ada", b"Eve"))
    assert not verify(webhook.secret, {**headers, "webhook-id": "msg_other"}, body)
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert not verify(webhook.secret, {k: v for k, v in headers.items() if k != missing}, body)
    # Correctly signed, but sent six minutes ago: a replay.
    old = str(int(time.time()) - 6 * 60)
    replayed = {
        **headers,
        "webhook-timestamp": old,
        "webhook-signature": sign(webhook.secret, delivery.message_id, old, body),
    }
    assert not verify(webhook.secret, replayed, body)
    # Several signatures (a secret being rotated): any v1 that matches will do.
    rotated = {**headers, "webhook-signature": f"v1,bm90IGl0 {headers['webhook-signature']}"}
    assert verify(webhook.secret, rotated, body)


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_with_the_decoded_secret():
    import hashlib
    import hmac

    secret = generate_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, b"msg_1.1674087231.{}", hashlib.sha256).digest()
    assert sign(secret, "msg_1", 1674087231, b"{}") == "v1," + base64.b64encode(expected).decode()


# --- Payload ----------------------------------------------------------------------


def test_the_payload_carries_what_a_crm_needs_and_nothing_else(
    receiver, sales, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    sales.first_name, sales.last_name = "Grace", "Hopper"
    sales.save()
    term = make_term(name="Foundation Model", slug="foundation-model")
    enquiry = make_enquiry(
        name="Ada Lovelace",
        email="ada@example.com",
        company="Analytical Engines Ltd",
        message="We would like help.",
        topic=term,
        page_url="/glossary/foundation-model/",
        referrer="https://news.example/",
        landing_page="/services/",
        utm_source="newsletter",
        utm_medium="email",
        utm_campaign="winter",
        consent_text="I agree.",
        consent_given_at=timezone.now(),
        assignee=sales,
        user_agent="Mozilla/5.0 secret-browser",
        ip_hash="f" * 64,
        notes="Internal: big budget.",
    )
    (delivery,) = queue_created(enquiry, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    body = json.loads(receiver.requests[0]["body"])

    def iso(moment):
        return moment.isoformat().replace("+00:00", "Z")

    assert body == {
        "type": "enquiry.created",
        "timestamp": iso(delivery.created_at),
        "data": {
            "id": enquiry.pk,
            "created_at": iso(enquiry.created_at),
            "status": "new",
            "assignee": {"name": "Grace Hopper", "email": "sales@example.com"},
            "contact": {
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "company": "Analytical Engines Ltd",
            },
            "message": "We would like help.",
            "topic": {
                "kind": "term",
                "title": "Foundation Model",
                "url": f"{SITE}{term.get_absolute_url()}",
            },
            "source": {
                "page_url": f"{SITE}/glossary/foundation-model/",
                "referrer": "https://news.example/",
                "landing_page": f"{SITE}/services/",
            },
            "utm": {
                "source": "newsletter",
                "medium": "email",
                "campaign": "winter",
                "term": "",
                "content": "",
            },
            "consent": {"text": "I agree.", "given_at": iso(enquiry.consent_given_at)},
        },
    }
    raw = receiver.requests[0]["body"].decode()
    for private in ("secret-browser", "f" * 64, "big budget"):
        assert private not in raw


def test_a_general_enquiry_has_an_empty_topic_and_no_assignee(
    receiver, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    data = json.loads(receiver.requests[0]["body"])["data"]
    assert data["topic"] == {"kind": "", "title": "", "url": ""}
    assert data["assignee"] is None
    assert data["source"] == {"page_url": "", "referrer": "", "landing_page": ""}


def test_the_slack_format_posts_a_short_signed_line_with_a_link_to_the_enquiry(
    receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(receiver.url, format=WebhookFormat.SLACK)
    term = make_term(name="Foundation Model", slug="foundation-model")
    enquiry = make_enquiry(name="Ada <!channel>", message="Our secret plans.", topic=term)
    queue_created(enquiry, django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    admin_url = SITE + reverse("admin:services_enquiry_change", args=[enquiry.pk])
    assert json.loads(request["body"]) == {
        "text": f"New enquiry from Ada &lt;!channel&gt; (Foundation Model): "
        f"<{admin_url}|open it in the admin>"
    }
    assert readme_verify()(webhook.secret, request["headers"], request["body"])


# --- Retries, backoff and the log -------------------------------------------------


def test_deliveries_are_logged_at_once_and_queued_only_after_the_commit(receiver, queue):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    queued = webhooks.queue_event([enquiry.pk], WebhookEvent.CREATED, site_url=SITE)
    assert [d.status for d in queued] == [DeliveryStatus.PENDING]
    # The test's transaction never commits: nothing may reach the queue.
    assert queue.results == []


def test_retries_follow_the_backoff_and_the_log_shows_each_attempt(
    receiver, queue, run_queued, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 200]
    webhook = make_webhook(receiver.url)
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)

    started = timezone.now()
    first, second = run_queued()
    assert first.task.run_after is None
    # The retry waits WEBHOOK_RETRY_SECONDS (30 s) plus up to 10% jitter.
    wait = second.task.run_after - started
    assert timedelta(seconds=30) <= wait <= timedelta(seconds=34)
    assert second.kwargs["attempt"] == 2

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (2, 200, "")
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    # The same message id on both attempts, each with its own valid signature.
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert ids == {delivery.message_id}
    verify = readme_verify()
    assert all(verify(webhook.secret, r["headers"], r["body"]) for r in receiver.requests)


def test_the_log_records_a_failure_and_when_the_next_attempt_is_due(
    receiver, queue, run_queued, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 500, 500, 500, 500]
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    run_first_attempt(queue, django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.last_error.startswith("HTTP 500")
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=29)

    run_queued()
    delivery.refresh_from_db()
    # Five attempts in all, then it stays failed, with nothing more queued.
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 5)
    assert len(receiver.requests) == 5
    assert queue.results == [r for r in queue.results if r.task.func is not deliver_webhook.func]


def test_backoff_grows_five_times_each_attempt_up_to_six_hours_and_honours_retry_after():
    for attempt, seconds in [(1, 30), (2, 150), (3, 750), (4, 3750), (9, 6 * 3600)]:
        delay = retry_delay(attempt).total_seconds()
        assert seconds <= delay <= seconds * 1.1
    assert 600 <= retry_delay(1, at_least=600).total_seconds() <= 660


def test_a_receiver_that_is_down_is_logged_and_retried_when_it_is_back(
    receiver, queue, run_queued, django_capture_on_commit_callbacks
):
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    receiver.stop()
    run_first_attempt(queue, django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_status_code is None
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error

    receiver.start()
    run_queued()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_a_receiver_that_does_not_answer_in_time_is_a_failure(
    settings, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 0.3
    receiver.answers = [(200, {}, 1.5)]
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "timed out" in delivery.last_error.lower()


def test_redirects_are_not_followed(receiver, django_capture_on_commit_callbacks):
    receiver.answers = [(302, {"Location": receiver.url + "/elsewhere"}, 0)]
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 302)
    assert len(receiver.requests) == 1


def test_410_gone_switches_the_webhook_off_without_retrying(
    receiver, queue, run_queued, django_capture_on_commit_callbacks
):
    receiver.answers = [410]
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    assert len(run_queued()) == 1
    webhook.refresh_from_db()
    assert not webhook.is_active
    assert webhook.deliveries.get().last_status_code == 410


def test_a_duplicate_task_does_not_post_twice(receiver, queue, django_capture_on_commit_callbacks):
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    delivery = webhook.deliveries.get()
    assert deliver_webhook.call(delivery.pk, attempt=1) is True
    assert deliver_webhook.call(delivery.pk, attempt=1) is False
    assert len(receiver.requests) == 1


def test_failed_deliveries_can_be_sent_again_from_the_admin(
    admin_client, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    assert webhook.deliveries.get().status == DeliveryStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:services_webhook_changelist"),
            {"action": "send_failed_again", "_selected_action": [webhook.pk]},
        )
    delivery = webhook.deliveries.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


# --- Spam is never sent -----------------------------------------------------------


def test_an_enquiry_recorded_as_spam_is_never_sent(receiver, send_enquiry, enquiry_form_data):
    make_webhook(receiver.url)
    send_enquiry(enquiry_form_data(website="https://spam.example"))
    assert Enquiry.objects.get().status == EnquiryStatus.SPAM
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_a_delivery_queued_before_the_enquiry_was_marked_spam_is_skipped(
    receiver, queue, run_queued, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sales_client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [enquiry.pk]})
    run_queued()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert "spam" in delivery.last_error
    assert receiver.requests == []


def test_changes_to_a_spam_enquiry_are_never_sent(
    receiver, sales, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry(status=EnquiryStatus.SPAM)
    post_change_form(sales_client, enquiry, django_capture_on_commit_callbacks, assignee=sales.pk)
    assert WebhookDelivery.objects.count() == 0
    webhooks.queue_event([enquiry.pk], WebhookEvent.STATUS_CHANGED)
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_marking_an_enquiry_spam_in_the_form_sends_nothing(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    post_change_form(
        sales_client, enquiry, django_capture_on_commit_callbacks, status=EnquiryStatus.SPAM
    )
    assert WebhookDelivery.objects.count() == 0


def test_a_held_enquiry_is_sent_only_once_released(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry(status=EnquiryStatus.HELD)
    webhooks.queue_event([enquiry.pk], WebhookEvent.STATUS_CHANGED)
    assert WebhookDelivery.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sales_client.post(CHANGELIST, {"action": "release_held", "_selected_action": [enquiry.pk]})
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["enquiry.created"]


def test_an_enquiry_taken_out_of_spam_is_created_for_the_receiver(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry(status=EnquiryStatus.SPAM)
    with django_capture_on_commit_callbacks(execute=True):
        sales_client.post(CHANGELIST, {"action": "mark_not_spam", "_selected_action": [enquiry.pk]})
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["enquiry.created"]


def test_an_enquiry_the_receiver_had_is_a_status_change_when_taken_out_of_spam(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    post_change_form(
        sales_client, enquiry, django_capture_on_commit_callbacks, status=EnquiryStatus.SPAM
    )
    enquiry.refresh_from_db()
    post_change_form(
        sales_client, enquiry, django_capture_on_commit_callbacks, status=EnquiryStatus.NEW
    )
    types = [json.loads(r["body"])["type"] for r in receiver.requests]
    assert types == ["enquiry.created", "enquiry.status_changed"]


# --- Events -----------------------------------------------------------------------


def events_sent(receiver):
    return [json.loads(r["body"])["type"] for r in receiver.requests]


def test_a_genuine_enquiry_sends_enquiry_created_once(receiver, send_enquiry):
    make_webhook(receiver.url)
    send_enquiry()
    assert events_sent(receiver) == ["enquiry.created"]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_new_assignee_sends_enquiry_assigned_once(
    receiver, sales, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    post_change_form(sales_client, enquiry, django_capture_on_commit_callbacks, assignee=sales.pk)
    enquiry.refresh_from_db()
    # Saved again unchanged, or with only its notes changed: nothing more.
    post_change_form(sales_client, enquiry, django_capture_on_commit_callbacks)
    post_change_form(sales_client, enquiry, django_capture_on_commit_callbacks, notes="Called.")
    assert events_sent(receiver) == ["enquiry.assigned"]
    assert json.loads(receiver.requests[0]["body"])["data"]["assignee"]["email"] == sales.email


def test_a_new_status_sends_enquiry_status_changed_once(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    post_change_form(
        sales_client, enquiry, django_capture_on_commit_callbacks, status=EnquiryStatus.QUALIFIED
    )
    enquiry.refresh_from_db()
    post_change_form(sales_client, enquiry, django_capture_on_commit_callbacks)
    assert events_sent(receiver) == ["enquiry.status_changed"]
    assert json.loads(receiver.requests[0]["body"])["data"]["status"] == "qualified"


def test_a_new_status_and_assignee_together_send_one_event_each(
    receiver, sales, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    post_change_form(
        sales_client,
        enquiry,
        django_capture_on_commit_callbacks,
        status=EnquiryStatus.WON,
        assignee=sales.pk,
    )
    assert sorted(events_sent(receiver)) == ["enquiry.assigned", "enquiry.status_changed"]


def test_mark_contacted_sends_enquiry_status_changed_once_per_enquiry_it_changes(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    make_webhook(receiver.url)
    new = make_enquiry()
    already = make_enquiry(status=EnquiryStatus.QUALIFIED)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sales_client.post(
                CHANGELIST,
                {"action": "mark_contacted", "_selected_action": [new.pk, already.pk]},
            )
    assert events_sent(receiver) == ["enquiry.status_changed"]
    data = json.loads(receiver.requests[0]["body"])["data"]
    assert (data["id"], data["status"]) == (new.pk, "contacted")


def test_inactive_and_unsubscribed_webhooks_get_nothing(receiver, send_enquiry):
    make_webhook(receiver.url, is_active=False)
    make_webhook(receiver.url, events=[WebhookEvent.ASSIGNED])
    send_enquiry()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_each_webhook_gets_only_the_events_it_chose(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    status_only = make_webhook(receiver.url, events=[WebhookEvent.STATUS_CHANGED])
    everything = make_webhook(receiver.url)
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    post_change_form(
        sales_client, enquiry, django_capture_on_commit_callbacks, status=EnquiryStatus.LOST
    )
    assert list(status_only.deliveries.values_list("event", flat=True)) == [
        "enquiry.status_changed"
    ]
    assert sorted(everything.deliveries.values_list("event", flat=True)) == [
        "enquiry.created",
        "enquiry.status_changed",
    ]


def test_a_webhook_switched_off_after_queueing_skips_the_delivery(
    receiver, queue, run_queued, django_capture_on_commit_callbacks
):
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False)
    run_queued()
    assert webhook.deliveries.get().status == DeliveryStatus.SKIPPED
    assert receiver.requests == []


def test_a_queue_that_is_down_loses_no_enquiry_and_the_delivery_can_be_sent_later(
    receiver, send_enquiry, settings, admin_client, django_capture_on_commit_callbacks
):
    # A backend that cannot be loaded: enqueueing raises, as a queue that is down would.
    settings.TASKS = {"default": {"BACKEND": "tests.services.test_webhooks.NoSuchBackend"}}
    make_webhook(receiver.url)
    response = send_enquiry()
    assert response.status_code == 302
    assert Enquiry.objects.count() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert receiver.requests == []

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:services_webhookdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert len(receiver.requests) == 1


# --- The admin --------------------------------------------------------------------


def test_the_webhook_form_offers_the_events_as_checkboxes_and_generates_the_secret(admin_client):
    add = reverse("admin:services_webhook_add")
    page = admin_client.get(add).content.decode()
    for event in ALL_EVENTS:
        assert f'type="checkbox" name="events" value="{event}"' in page
    response = admin_client.post(
        add,
        {
            "name": "CRM",
            "url": "https://crm.example.com/hooks",
            "events": ["enquiry.created", "enquiry.assigned"],
            "format": "standard",
            "is_active": "on",
            "secret": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert webhook.events == ["enquiry.created", "enquiry.assigned"]
    validate_secret(webhook.secret)
    change = admin_client.get(reverse("admin:services_webhook_change", args=[webhook.pk]))
    assert webhook.secret in change.content.decode()
    assert "secret" not in change.context["adminform"].form.fields


def test_the_webhook_form_refuses_no_events_and_plain_http(admin_client, settings):
    settings.WEBHOOK_ALLOW_LOCAL_HTTP = False
    response = admin_client.post(
        reverse("admin:services_webhook_add"),
        {"name": "CRM", "url": "http://crm.example.com/", "format": "standard", "secret": ""},
    )
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"url", "events"}
    assert Webhook.objects.count() == 0


def test_webhooks_are_for_those_given_the_permissions_not_for_sales(sales_client):
    for name in ("admin:services_webhook_changelist", "admin:services_webhookdelivery_changelist"):
        assert sales_client.get(reverse(name)).status_code == 403


def test_the_enquiry_page_shows_its_deliveries_to_sales(
    receiver, sales_client, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    make_webhook(receiver.url, name="Our CRM")
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    page = sales_client.get(reverse("admin:services_enquiry_change", args=[enquiry.pk]))
    text = page.content.decode()
    delivery = WebhookDelivery.objects.get()
    for shown in ("Our CRM", "enquiry.created", "Failed", "HTTP 500", delivery.message_id):
        assert shown in text


def test_the_enquiry_page_queries_do_not_grow_with_deliveries(
    receiver, sales_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Guards against a query per delivery (webhook names) on the enquiry page."""
    enquiry = make_enquiry()
    for n in range(3):
        make_webhook(receiver.url, name=f"Receiver {n}")
    queue_created(enquiry, django_capture_on_commit_callbacks)
    queue_created(enquiry, django_capture_on_commit_callbacks)
    url = reverse("admin:services_enquiry_change", args=[enquiry.pk])
    sales_client.get(url)  # content types and permissions cached, as on a warm site
    with django_assert_num_queries(ENQUIRY_PAGE_QUERIES):
        sales_client.get(url)
    for n in range(3, 8):
        make_webhook(receiver.url, name=f"Receiver {n}")
    queue_created(enquiry, django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.count() == 14
    with django_assert_num_queries(ENQUIRY_PAGE_QUERIES):
        sales_client.get(url)


def test_the_webhook_page_and_list_queries_do_not_grow_with_deliveries(
    receiver, admin_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Guards against a query per row: failed counts annotated, deliveries with their enquiry."""
    receiver.answers = [500] * 20
    webhooks_made = [make_webhook(receiver.url, name=f"Receiver {n}") for n in range(3)]
    enquiries = [make_enquiry() for _ in range(4)]
    for enquiry in enquiries:
        queue_created(enquiry, django_capture_on_commit_callbacks)
    change = reverse("admin:services_webhook_change", args=[webhooks_made[0].pk])
    changelist = reverse("admin:services_webhook_changelist")
    admin_client.get(change)  # content types cached, as on a warm site
    with django_assert_num_queries(WEBHOOK_PAGE_QUERIES):
        page = admin_client.get(change)
    assert page.content.decode().count("HTTP 500") == 4
    for enquiry in enquiries:
        assert reverse("admin:services_enquiry_change", args=[enquiry.pk]) in page.content.decode()
    with django_assert_num_queries(WEBHOOK_LIST_QUERIES):
        listing = admin_client.get(changelist)
    assert [w.failed_count for w in listing.context["cl"].result_list] == [4, 4, 4]


# --- Retention --------------------------------------------------------------------


def test_purge_deletes_deliveries_older_than_the_given_days(
    receiver, django_capture_on_commit_callbacks
):
    webhook = make_webhook(receiver.url)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    queue_created(make_enquiry(), django_capture_on_commit_callbacks)
    old = webhook.deliveries.first()
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    out = io.StringIO()
    call_command("purge_webhook_deliveries", "--older-than", "90", stdout=out)
    assert out.getvalue().startswith("Deleted 1 webhook delivery queued before ")
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [
        d.pk for d in webhook.deliveries.exclude(pk=old.pk)
    ]
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()


def test_purging_an_enquiry_deletes_its_deliveries(receiver, django_capture_on_commit_callbacks):
    make_webhook(receiver.url)
    enquiry = make_enquiry()
    queue_created(enquiry, django_capture_on_commit_callbacks)
    enquiry.delete()
    assert WebhookDelivery.objects.count() == 0


ENQUIRY_PAGE_QUERIES = 7
WEBHOOK_PAGE_QUERIES = 4
WEBHOOK_LIST_QUERIES = 5
