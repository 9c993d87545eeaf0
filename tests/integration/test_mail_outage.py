"""
The mail server down for real: an SMTP server of the test's own (aiosmtpd),
stopped when an enquiry is sent through gunicorn and the task worker in
production mode. The visitor still gets the thank-you page, the enquiry
records the failed attempt, and once the server is back the worker's retry
(ENQUIRY_NOTIFY_RETRY_SECONDS, 1 s here) delivers it, once.

Run by `make test-outage` (in CI), with the database outage tests.
"""

import pytest

from tests.integration.production import SALES, notification, site_environment
from tests.servers import SmtpServer, Visitor, wait_until

pytestmark = pytest.mark.outage

EMAIL = "lovelace@example.com"


@pytest.fixture(scope="module")
def mail_server():
    server = SmtpServer().start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def environment(database, folder, mail_server):
    return site_environment(
        database,
        folder,
        EMAIL_TO_CONSOLE="0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port),
        ENQUIRY_NOTIFY_RETRY_SECONDS="1",
    )


def tasks_waiting(database):
    """Notification tasks queued or running: none once every retry has settled."""
    return database.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult"
        " WHERE status IN ('READY', 'RUNNING')"
    )[0][0]


def test_an_enquiry_sent_while_the_mail_server_is_down_is_delivered_once_when_it_is_back(
    site, database, worker, mail_server
):
    visitor = Visitor(site)
    mail_server.stop()
    try:
        status, headers, _page = visitor.send_enquiry(
            EMAIL, "Please write back about the analytical engine.", name="Ada Lovelace"
        )
        assert status == 302
        assert headers["Location"] == "/contact/thanks/"
        status, _headers, page = visitor.request(headers["Location"])
        assert status == 200
        assert "Thank you" in page

        wait_until(
            lambda: notification(database, EMAIL)["status"] == "failed",
            "the worker's first attempt",
        )
        failed = notification(database, EMAIL)
        assert failed["attempts"] >= 1
        assert "refused" in failed["last_error"].lower()
        assert mail_server.received() == []
    finally:
        mail_server.start()

    wait_until(
        lambda: notification(database, EMAIL)["status"] == "sent",
        "the retry after the mail server came back",
        seconds=30,
    )
    wait_until(lambda: tasks_waiting(database) == 0, "the queue to settle")
    sent = notification(database, EMAIL)
    assert sent["attempts"] >= 2
    assert sent["last_error"] == ""
    messages = mail_server.received()
    assert len(messages) == 1
    assert "Ada Lovelace" in messages[0]["Subject"]
    assert messages[0]["To"] == SALES
    assert "Please write back about the analytical engine." in messages[0].get_content()
    assert worker.poll() is None
