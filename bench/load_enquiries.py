"""
Load on the contact form (`make load-enquiries`): 500 enquiries sent by 50
concurrent clients through gunicorn, then the task worker emails them all.

The site runs on servers of its own (bench/sandbox.py), never the machine's:
a PostgreSQL cluster of its own (initdb into a temporary folder; it runs with
fsync off, so storing costs less than on a durable server), gunicorn in
production mode (2 sync workers) with TASKS_BACKEND=database, a file cache in
a temporary folder (production's default: the rate limits count across both
workers), and an SMTP server of its own (aiosmtpd) that keeps what it gets.

1. 50 client threads share the 500 enquiries, each one a visitor with its own
   cookies: a GET of /contact/ (the CSRF cookie and the form's hidden fields,
   the signed start time among them), then the POST. Every enquiry has an
   address of its own (load-0001@example.com, …), so
   ENQUIRY_RATE_LIMIT_PER_EMAIL never applies; they all come from 127.0.0.1,
   so ENQUIRY_RATE_LIMIT_PER_IP is raised to ten times the enquiries; and
   ENQUIRY_MIN_FILL_SECONDS is 0, as a script sends the form at once.
2. Then the worker (`manage.py db_worker --batch`) sends what is queued and
   exits when the queue is empty.
3. Checks: no answer was a 5xx and every POST was a 302 to /contact/thanks/;
   every enquiry is stored exactly once (rows, distinct addresses) and none
   as spam; each is marked sent after one attempt; the SMTP server received
   exactly one message naming each enquiry (its name in the subject, its
   address in the body), and nothing else.

Prints requests/s, the POSTs' p50 and p99, how long the worker took to drain
the queue, and the counts; exits 1 when a check fails. Only 127.0.0.1 is
requested, every request times out after 30 s and the worker after 5 minutes.

    python bench/load_enquiries.py [--enquiries 500] [--clients 50]
"""

import argparse
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from common import Checks, percentile, run_script, say
from sandbox import Sandbox

from tests.servers import Visitor

REQUEST_SECONDS = 30
WORKER_SECONDS = 300
NAMED = re.compile(r"load-(\d+)@example\.com|Load tester (\d+)")


def address(number):
    return f"load-{number:04d}@example.com"


@dataclass
class Sent:
    """What one client saw of one enquiry."""

    statuses: list  # every answer: the form's GET, then the POST
    post_status: int
    location: str
    post_ms: float
    error: str = ""


def send(base_url, number):
    visitor = Visitor(base_url, timeout=REQUEST_SECONDS)
    try:
        form = visitor.contact_form()
        started = time.perf_counter()
        status, headers, _page = visitor.send_enquiry(
            address(number),
            f"Load test enquiry number {number}: please call back.",
            name=f"Load tester {number:04d}",
            form=form,
        )
    except OSError as error:  # refused, reset, timed out
        return Sent(visitor.statuses, 0, "", 0.0, f"{type(error).__name__}: {error}")
    elapsed_ms = (time.perf_counter() - started) * 1000
    return Sent(visitor.statuses, status, headers.get("Location", ""), elapsed_ms)


def named_in(message):
    """The enquiry numbers a message names, in its subject and its text."""
    text = f"{message['Subject']}\n{message.get_content()}"
    return {int(a or b) for a, b in NAMED.findall(text)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    count, check = args.enquiries, Checks()

    with Sandbox(ENQUIRY_RATE_LIMIT_PER_IP=str(count * 10)) as site:
        say(f"==> {count} enquiries from {args.clients} concurrent clients")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            sent = list(pool.map(partial(send, site.server.url("")), range(1, count + 1)))
        posting_s = time.perf_counter() - started
        statuses = Counter(status for one in sent for status in one.statuses)
        post_ms = [one.post_ms for one in sent if one.post_status]
        errors = [one.error for one in sent if one.error]

        say("\n==> the worker drains the queue (db_worker --batch)")
        started = time.perf_counter()
        site.worker.start("--batch")
        try:
            worker_status = site.worker.process.wait(timeout=WORKER_SECONDS)
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"the worker was still running after {WORKER_SECONDS} s:\n{site.worker.log_tail()}"
            ) from None
        drain_s = time.perf_counter() - started

        (rows, addresses, spam, marked_sent, one_attempt, span_s) = site.postgres.query(
            "SELECT count(*), count(DISTINCT email), count(*) FILTER (WHERE status = 'spam'),"
            " count(*) FILTER (WHERE notification_status = 'sent'),"
            " count(*) FILTER (WHERE notification_attempts = 1),"
            " extract(epoch FROM max(notified_at) - min(notified_at))"
            " FROM services_enquiry"
        )[0]
        stored = {email for (email,) in site.postgres.query("SELECT email FROM services_enquiry")}
        tasks = dict(
            site.postgres.query(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            )
        )
        messages = site.smtp.received()
        per_message = [named_in(message) for message in messages]
        per_enquiry = Counter(number for named in per_message for number in named)

        say("\n==> figures")
        requests = sum(statuses.values())
        say(
            f"  {count} enquiries in {posting_s:.1f} s: {count / posting_s:.1f} enquiries/s, "
            f"{requests / posting_s:.1f} requests/s (a GET of the form and a POST each)"
        )
        say(
            f"  POST /contact/: p50 {percentile(post_ms, 0.5):.0f} ms, "
            f"p99 {percentile(post_ms, 0.99):.0f} ms, max {max(post_ms, default=0):.0f} ms"
        )
        say(f"  answers: {dict(sorted(statuses.items()))}; client errors: {len(errors)}")
        say(
            f"  worker: drained the queue in {drain_s:.1f} s (start-up included; "
            f"first to last email {float(span_s or 0):.1f} s, "
            f"{marked_sent / drain_s:.1f} emails/s); exit status {worker_status}"
        )
        say(
            f"  stored {rows} rows, {addresses} distinct addresses, {spam} as spam; "
            f"{marked_sent} marked sent, {one_attempt} after one attempt; tasks {tasks}"
        )
        say(f"  SMTP server: {len(messages)} messages, naming {len(per_enquiry)} enquiries")

        say("\n==> checks")
        failed = f" ({len(errors)} did not: {errors[:3]})" if errors else ""
        check(not errors, f"every request answered{failed}")
        fives = sum(n for status, n in statuses.items() if status >= 500)
        check(fives == 0, f"no 5xx answer ({fives})")
        check(
            all(one.post_status == 302 and one.location == "/contact/thanks/" for one in sent),
            "every POST redirected to /contact/thanks/",
        )
        check(rows == count and addresses == count, f"{count} enquiries stored, each once")
        check(stored == {address(n) for n in range(1, count + 1)}, "the stored addresses")
        check(spam == 0, "none taken for spam (time trap, rate limits)")
        check(marked_sent == count and one_attempt == count, "each marked sent at attempt 1")
        check(worker_status == 0 and tasks == {"SUCCESSFUL": count}, "every task succeeded")
        check(all(len(named) == 1 for named in per_message), "each message names one enquiry")
        check(
            len(messages) == count
            and set(per_enquiry) == set(range(1, count + 1))
            and set(per_enquiry.values()) == {1},
            f"each enquiry emailed exactly once ({len(messages)} messages)",
        )
    return check.verdict("load_enquiries")


if __name__ == "__main__":
    run_script(main, "load_enquiries")
