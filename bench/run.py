"""
The site's benchmark (`make bench`; see bench/README.md).

In one run, on this machine: a fresh database (PostgreSQL on 127.0.0.1:5432,
SQLite only if PostgreSQL is unreachable), the 10,000-term corpus from
`generate_content`, then the site under gunicorn (production settings, 2 sync
workers) in two configurations side by side: "warm" (page cache on, pages
requested a few times first) and "cold" (CACHE_URL=dummy://, caching off).
Rounds alternate between the configurations and between targets, so that a
busy moment on the machine does not favour one of them, and every number is
set against a 20 KB static file served by WhiteNoise from the same gunicorn:
the fastest thing that server can do.

Only 127.0.0.1 is ever requested and every load run is bounded in time.
Whatever happens (failure, Ctrl-C, SIGTERM), the servers are stopped and the
database dropped.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "results" / "latest.md"
STATIC_ROOT = ROOT / "staticfiles"  # settings.STATIC_ROOT (gitignored)
REFERENCE_NAME = "bench-reference-20k.txt"
REFERENCE_SIZE = 20 * 1024
HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"

# The targets (issue 5), printed beside the results.
WARM_TERM_RATIO = 0.5
COLD_TERM_RATIO = 0.15
MAX_QUERIES = 5
SEARCH_P99_MS = 50
GENERATE_SECONDS = 60
TERM_PAGE_BYTES = 40 * 1024
CSS_BYTES = 25 * 1024
ADMIN_QUERIES = 12
ADMIN_MS = 300
# The changelists staff and sales work in, measured at 100 rows a page.
ADMIN_CHANGELISTS = [
    ("glossary.term", "Terms", "/admin/glossary/term/"),
    ("services.service", "Services", "/admin/services/service/"),
    ("services.technology", "Technologies", "/admin/services/technology/"),
    ("services.enquiry", "Enquiries", "/admin/services/enquiry/"),
]

# (key, label, connections) of what is measured; "static" is the yardstick.
# Search is also measured with one connection: under the full load its p99
# mostly measures the queue in front of two workers, not one visitor's wait.
TARGETS = [
    ("static", "Static file, 20 KB", None),
    ("term", "Term page", None),
    ("index", "Glossary index", None),
    ("letter", "Letter page (B)", None),
    ("search", "Search", None),
    ("typo", "Search with a typo", None),
    ("search-1", "Search, 1 connection", 1),
]
CONFIGS = {"warm": "locmem://", "cold": "dummy://"}


def say(message=""):
    print(message, flush=True)


def banner(message):
    line = "!" * 78
    say(f"\n{line}\n{message}\n{line}\n")


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted(f"stopped by signal {signum}")


# --- The database ---------------------------------------------------------------


def postgres_reachable():
    try:
        with socket.create_connection((HOST, PG_PORT), timeout=2):
            pass
        import psycopg

        with psycopg.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres"):
            return True
    except Exception as error:  # any reason at all means: use SQLite
        say(f"PostgreSQL on {HOST}:{PG_PORT} is not usable: {error}")
        return False


def postgres_admin(sql):
    import psycopg

    with psycopg.connect(
        host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as connection:
        result = connection.execute(sql)
        return result.fetchone() if result.description else None


def create_database(stack, force_sqlite):
    """A fresh database, dropped when `stack` closes; returns (DATABASE_URL, description)."""
    if not force_sqlite and postgres_reachable():
        name = f"bench_{datetime.now():%Y%m%d_%H%M%S}_{os.getpid()}"
        postgres_admin(f'CREATE DATABASE "{name}"')
        stack.callback(drop_postgres_database, name)
        version = postgres_admin("SHOW server_version")[0]
        say(f"Database: PostgreSQL {version}, fresh database {name}")
        return f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}", f"PostgreSQL {version}"
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    banner(
        "PostgreSQL is NOT reachable on 127.0.0.1:5432: benchmarking on SQLite instead.\n"
        "These numbers are not comparable with the issue's targets (set on PostgreSQL),\n"
        "and search runs the plain SQLite match, not the full-text index."
    )
    return f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite (PostgreSQL unreachable)"


def drop_postgres_database(name):
    say(f"Dropping database {name}")
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Running the project --------------------------------------------------------


def project_env(database_url, cache_url="dummy://", **extra):
    """Production settings: debug off, a random secret, plain HTTP on 127.0.0.1."""
    ours = ("DJANGO_", "DATABASE_", "CACHE_", "PAGE_CACHE_", "TASKS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE="consultancy.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        TASKS_BACKEND="immediate",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def manage(env, *args, timeout=900):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout
    )


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers, in a process group of its own so it can be stopped whole."""

    def __init__(self, name, env, log_dir):
        self.name, self.env = name, env
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.process = None

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "consultancy.wsgi",
             "--workers", "2", "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited:\n{self.log_tail()}")
            with (
                suppress(OSError),
                urllib.request.urlopen(self.url(f"/static/{REFERENCE_NAME}"), timeout=2),
            ):
                cache_url = self.env["CACHE_URL"]
                say(f"gunicorn ({self.name}, CACHE_URL={cache_url}) on port {self.port}")
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in 60 s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines=30):
        with suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


# --- Load generation ------------------------------------------------------------


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def ensure_wrk():
    if shutil.which("wrk"):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    say("wrk is missing: installing it with apt-get")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for commands in (
        [["apt-get", "install", "-y", "wrk"]],
        [["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]],
    ):
        with suppress(subprocess.SubprocessError, OSError):
            for command in commands:
                subprocess.run(command, env=apt_env, check=True, timeout=300,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
            if shutil.which("wrk"):
                return True
    return False


def only_this_host(url):
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"The benchmark only ever loads {HOST}, not {url}")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output):
    """Requests/s, p50, p99, errors (socket errors + non-2xx/3xx) from `wrk --latency`."""
    percentile = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.M))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p50_ms=wrk_ms(percentile["50"]),
        p99_ms=wrk_ms(percentile["99"]),
        errors=(sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx[1]) if non_2xx else 0),
        requests=int(re.search(r"(\d+) requests in", output)[1]),
    )


class Wrk:
    def __init__(self, threads, connections, duration):
        self.threads, self.connections, self.duration = threads, connections, duration
        version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        found = re.search(r"wrk (\S+)", version.stdout + version.stderr)
        self.description = (
            f"wrk {found[1] if found else ''} -t{threads} -c{connections} -d{duration}s --latency"
        )

    def measure(self, url, connections=None):
        only_this_host(url)
        connections = connections or self.connections
        threads = min(self.threads, connections)
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{self.duration}s",
             "--timeout", "5s", "--latency", url],
            capture_output=True, text=True, timeout=self.duration + 60, check=True,
        )  # fmt: skip
        return parse_wrk(result.stdout)


class PythonLoad:
    """
    The fallback when wrk cannot be had: threads with keep-alive connections
    (gunicorn's sync workers close them; we reconnect). The GIL caps it at a
    few thousand requests/s, so fast targets (the static file) are understated.
    """

    def __init__(self, connections, duration):
        self.connections, self.duration = connections, duration
        self.description = (
            f"Python threads ({connections} connections, {duration} s; "
            "wrk unavailable, fast targets are understated)"
        )

    def measure(self, url, connections=None):
        only_this_host(url)
        port, path = re.fullmatch(rf"http://{re.escape(HOST)}:(\d+)(.*)", url).groups()
        latencies, errors, lock = [], [0], threading.Lock()
        deadline = time.monotonic() + self.duration

        def worker():
            connection, mine, failed = None, [], 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(HOST, int(port), timeout=5)
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status >= 400:
                        failed += 1
                    if response.getheader("Connection", "").lower() == "close":
                        connection.close()
                        connection = None
                    mine.append(time.perf_counter() - started)
                except (OSError, http.client.HTTPException):
                    failed += 1
                    connection = None
            with lock:
                latencies.extend(mine)
                errors[0] += failed

        threads = [threading.Thread(target=worker) for _ in range(connections or self.connections)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.duration + 10)
        elapsed = time.monotonic() - started
        latencies.sort()

        def percentile(p):
            return (
                latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
                if latencies
                else 0.0
            )

        return Run(
            len(latencies) / elapsed, percentile(0.5), percentile(0.99), errors[0], len(latencies)
        )


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status, response.headers.get("X-Page-Cache", "")


def prewarm(server, paths, requests_per_path=12):
    """A few requests per page from several threads, so that both workers have each page."""
    seen = {}
    for key, path in paths.items():
        results = []

        def hit(path=path, results=results):
            for _ in range(requests_per_path // 4):
                results.append(fetch(server.url(path)))

        threads = [threading.Thread(target=hit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        bad = [status for status, _ in results if status != 200]
        if bad:
            raise RuntimeError(f"{server.url(path)} answered {bad[0]}:\n{server.log_tail()}")
        seen[key] = sorted({header for _, header in results if header})
    return seen


def settle(servers, probe_path):
    """
    Wait until every server has worked through the requests still queued when
    the load stopped (a slow page leaves a backlog), so that the next run does
    not pay for the previous one. A probe answers once the queue ahead of it
    is done.
    """
    for server in servers:
        with suppress(OSError):
            fetch(server.url(probe_path), timeout=30)
    time.sleep(0.5)


# --- Inspecting pages in-process (query counts and sizes) -----------------------


def inspect():
    """
    Run in a child process whose environment points at the bench database with
    caching off: picks the pages to load, counts each page's queries with the
    test client and measures page sizes. Prints one JSON object.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultancy.corpus.plan import SLUG_PREFIX
    from glossary.models import Term
    from glossary.search import search_terms

    terms = Term.objects.published().order_by("slug")
    term = (
        terms.filter(slug__startswith=SLUG_PREFIX)
        .with_relation_counts()
        .filter(related_term_count__gte=5)
        .first()
    ) or terms.with_relation_counts().first()
    word, typo = search_words(terms, search_terms)
    paths = {
        "term": term.get_absolute_url(),
        "index": "/glossary/",
        "letter": "/glossary/letter/b/",
        "search": f"/glossary/?q={word}",
        "typo": f"/glossary/?q={typo}",
    }
    client = Client(HTTP_HOST=HOST)
    queries, sizes = {}, {}
    for key, path in paths.items():
        client.get(path)  # first use fills per-process caches (content types…)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries[key] = len(captured.captured_queries)
        sizes[key] = len(response.content)

    html = client.get(paths["term"]).content.decode()
    head = html.split("</head>", 1)[0]
    css_files = [
        STATIC_ROOT / href.removeprefix(settings.STATIC_URL).removeprefix("/" + settings.STATIC_URL)
        for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    ]
    css = b"".join(path.read_bytes() for path in css_files if path.is_file())
    blocking_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head)
        if not re.search(r"\b(defer|async)\b|type=\"module\"", tag)
    ]
    print(
        json.dumps(
            {
                "paths": paths,
                "term": {"name": term.name, "related": term.related_term_count},
                "search": {
                    "word": word,
                    "results": search_terms(word).count(),
                    "typo": typo,
                    "typo_results": search_terms(typo).count(),
                },
                "queries": queries,
                "sizes": sizes,
                "css_files": [path.name for path in css_files],
                "css_bytes": len(css),
                "css_gzip_bytes": len(gzip.compress(css)),
                "blocking_scripts": len(blocking_scripts),
                "terms": Term.objects.published().count(),
            }
        )
    )


def inspect_admin(rows, timed_requests=5):
    """
    Run in a child process after the load runs, once generate_content has
    made `rows` services and technologies too: adds `rows` enquiries, then
    times each admin changelist in-process for a superuser (median of a few
    requests after a first one) and counts its queries. Prints one JSON object.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import random

    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from glossary.models import Term
    from services.models import Enquiry, EnquiryStatus

    generator = random.Random(1)
    terms = list(Term.objects.order_by("?").values_list("pk", "name")[:500])
    statuses = list(EnquiryStatus)
    batch = []
    for n in range(rows - Enquiry.objects.count()):
        pk, name = generator.choice(terms)
        batch.append(
            Enquiry(
                name=f"Visitor {n}",
                email=f"visitor{n}@example.com",
                company=f"Company {n % 700}",
                message=f"We would like help with {name}. " * 3,
                term_id=pk,
                topic_kind="term",
                topic_title=name,
                page_url=f"/glossary/term-{pk}/",
                status=generator.choice(statuses),
            )
        )
    Enquiry.objects.bulk_create(batch, batch_size=2000)

    user = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", None)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    measured = {}
    for label, url in ((label, url) for model, label, url in ADMIN_CHANGELISTS):
        client.get(url)  # first use fills per-process caches
        timings = []
        for _ in range(timed_requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        measured[label] = {
            "ms": statistics.median(timings),
            "queries": len(captured.captured_queries),
            # One action checkbox per row shown.
            "shown": response.content.decode().count('name="_selected_action"'),
        }
    counts = {label: apps.get_model(model).objects.count() for model, label, _ in ADMIN_CHANGELISTS}
    print(json.dumps({"changelists": measured, "counts": counts}))


def search_words(terms, search_terms):
    """
    A word that many names share (the longest in the first names with a long
    one), and a typo of it that the trigram fallback still finds.
    """
    names = terms.values_list("name", flat=True)[:200]
    words = sorted(
        {w for name in names for w in re.findall(r"[a-z]+", name.lower())},
        key=lambda w: (len(w), w),
    )
    word = words[-1] if words else "model"
    for position in range(len(word) // 2, len(word) - 1):
        typo = word[:position] + word[position + 1 :]  # one letter missing: "sementation"
        if search_terms(typo).exists():
            return word, typo
    return word, word[:2] + word[3:]


# --- The report -----------------------------------------------------------------


def median_run(runs):
    return Run(
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
        requests=sum(r.requests for r in runs),
    )


def mark(ok):
    return "✅" if ok else "❌"


def target_text(key, config, run, ratio, queries):
    """The issue's target for this row, and whether the result meets it."""
    checks = []
    if key == "term" and config == "warm":
        checks.append(
            (f"≥ {WARM_TERM_RATIO}× static, 0 errors", ratio >= WARM_TERM_RATIO and not run.errors)
        )
    if key == "term" and config == "cold":
        checks.append((f"≥ {COLD_TERM_RATIO}× static", ratio >= COLD_TERM_RATIO))
    if key != "static" and queries is not None:
        checks.append((f"≤ {MAX_QUERIES} queries", queries <= MAX_QUERIES))
    if key.startswith(("search", "typo")):
        checks.append((f"p99 < {SEARCH_P99_MS} ms", run.p99_ms < SEARCH_P99_MS))
    return "; ".join(f"{text} {mark(ok)}" for text, ok in checks) or "yardstick"


def report(context, results, info, static_rps):
    lines = [
        f"# Benchmark, {context['date']}",
        "",
        f"- Machine: {context['cpu']}, {context['cores']} cores; load average "
        f"{context['load_before']} before, {context['load_after']} after",
        f"- Database: {context['database']}; {info['terms']:,} published terms "
        f"(generated with `generate_content --terms {context['terms']} --seed 1` in "
        f"{context['generate_seconds']:.1f} s; target < {GENERATE_SECONDS} s "
        f"{mark(context['generate_seconds'] < GENERATE_SECONDS)})",
        "- Server: gunicorn, 2 sync workers, production settings; **warm** = "
        "`CACHE_URL=locmem://`, pages requested a few times first; **cold** = "
        "`CACHE_URL=dummy://` (no caching)",
        f"- Load: {context['load']}; {context['rounds']} alternating rounds, median shown "
        "(requests/s range across rounds in brackets), errors summed",
        f"- Term page: {info['term']['name']} ({info['term']['related']} related terms); "
        f"search: “{info['search']['word']}” ({info['search']['results']} results), "
        f"typo “{info['search']['typo']}” ({info['search']['typo_results']} results)",
        f"- Yardstick: the static file at {static_rps:,.0f} requests/s (median of every "
        "static run, both servers)",
        "",
        "| Target | Server | Requests/s | p50 ms | p99 ms | Errors | × static | Queries "
        "| Issue target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, label, _ in TARGETS:
        for config in CONFIGS:
            runs = results.get((config, key))
            if not runs:
                continue
            run = median_run(runs)
            ratio = run.rps / static_rps if static_rps else 0
            queries = info["queries"].get(key.removesuffix("-1"))
            spread = f"{min(r.rps for r in runs):,.0f}–{max(r.rps for r in runs):,.0f}"
            lines.append(
                f"| {label} | {config} | {run.rps:,.0f} ({spread}) | {run.p50_ms:.1f} "
                f"| {run.p99_ms:.1f} | {run.errors} | {ratio:.2f}× "
                f"| {'—' if queries is None else queries} "
                f"| {target_text(key, config, run, ratio, queries)} |"
            )
    admin = info["admin"]
    lines += [
        "",
        "Admin changelists, 100 rows a page, in-process for a superuser (median of 5 "
        "requests after a first one):",
        "",
        "| Changelist | Rows in table | Rows shown | ms | Queries | Issue target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, measured in admin["changelists"].items():
        ok_ms, ok_queries = measured["ms"] < ADMIN_MS, measured["queries"] <= ADMIN_QUERIES
        lines.append(
            f"| {label} | {admin['counts'][label]:,} | {measured['shown']} "
            f"| {measured['ms']:.0f} | {measured['queries']} "
            f"| < {ADMIN_MS} ms {mark(ok_ms)}; ≤ {ADMIN_QUERIES} queries {mark(ok_queries)} |"
        )
    term_bytes = info["sizes"]["term"]
    lines += [
        "",
        f"- Page cache seen during warm-up (X-Page-Cache): {context['cache_seen']}",
        f"- Term page HTML: {term_bytes:,} bytes (target < {TERM_PAGE_BYTES // 1024} KB "
        f"{mark(term_bytes < TERM_PAGE_BYTES)}); index {info['sizes']['index']:,} bytes, "
        f"letter page {info['sizes']['letter']:,} bytes, search {info['sizes']['search']:,} bytes",
        f"- CSS: {info['css_bytes']:,} bytes in {len(info['css_files'])} file(s), "
        f"{info['css_gzip_bytes']:,} gzipped (target < {CSS_BYTES // 1024} KB "
        f"{mark(info['css_bytes'] < CSS_BYTES)})",
        f"- Render-blocking scripts in <head>: {info['blocking_scripts']} "
        f"{mark(info['blocking_scripts'] == 0)}",
        "- Queries: counted in-process with Django's test client against the bench "
        "database, caching off, after one request to fill per-process caches.",
        "",
        "Reproduce: `make bench` (bench/README.md).",
    ]
    return "\n".join(lines) + "\n"


def machine():
    cpu = "unknown CPU"
    with suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found[1].strip() if found else cpu
    return cpu, os.cpu_count()


def load_average():
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --- Main -----------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator")
    parser.add_argument("--inspect", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inspect-admin", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect:
        return inspect()
    if args.inspect_admin:
        return inspect_admin(args.inspect_admin)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    cpu, cores = machine()
    context = {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "cpu": cpu,
        "cores": cores,
        "load_before": load_average(),
        "terms": args.terms,
        "rounds": args.rounds,
    }
    with ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        database_url, context["database"] = create_database(stack, args.sqlite)
        env = project_env(database_url)

        say("\n==> migrate")
        manage(env, "migrate", "--noinput", "-v0")
        say(f"\n==> generate_content --terms {args.terms} --seed 1")
        started = time.perf_counter()
        manage(env, "generate_content", "--terms", str(args.terms), "--seed", "1", timeout=1800)
        context["generate_seconds"] = time.perf_counter() - started
        say(f"generate_content took {context['generate_seconds']:.1f} s")

        say("\n==> collectstatic")
        manage(env, "collectstatic", "--noinput", "-v0")
        reference = STATIC_ROOT / REFERENCE_NAME
        line = b"The quick brown fox jumps over the lazy dog; a yardstick for WhiteNoise.\n"
        reference.write_bytes((line * (REFERENCE_SIZE // len(line) + 1))[:REFERENCE_SIZE])
        stack.callback(reference.unlink, missing_ok=True)

        say("\n==> query counts and page sizes (in-process, caching off)")
        inspected = subprocess.run(
            [sys.executable, __file__, "--inspect"],
            cwd=ROOT, env={**env, "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver"},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if inspected.returncode:
            raise RuntimeError(f"inspecting pages failed:\n{inspected.stderr[-3000:]}")
        info = json.loads(inspected.stdout.strip().splitlines()[-1])
        say(json.dumps(info["queries"]) + f"; term page {info['sizes']['term']:,} bytes")

        if not args.python_load and ensure_wrk():
            load = Wrk(args.threads, args.connections, args.duration)
        else:
            load = PythonLoad(args.connections, args.duration)
            banner(f"Load generator: {load.description}")
        context["load"] = load.description

        servers = {}
        for config, cache_url in CONFIGS.items():
            servers[config] = Server(config, project_env(database_url, cache_url), work)
            stack.callback(servers[config].stop)
            servers[config].start()
        paths = {"static": f"/static/{REFERENCE_NAME}", **info["paths"]}
        paths["search-1"] = paths["search"]
        seen = {config: prewarm(server, paths) for config, server in servers.items()}
        context["cache_seen"] = "; ".join(
            f"{config}: "
            + ", ".join(
                f"{key} {'/'.join(found) or '—'}"
                for key, found in seen[config].items()
                if key != "static"
            )
            for config in servers
        )

        results = {}
        say(f"\n==> {args.rounds} rounds × {len(TARGETS) * len(CONFIGS)} runs × {args.duration} s")
        for round_number in range(1, args.rounds + 1):
            # Alternate which configuration goes first, so neither always follows the other.
            order = list(CONFIGS) if round_number % 2 else list(reversed(CONFIGS))
            for config in order:
                for key, label, connections in TARGETS:
                    run = load.measure(servers[config].url(paths[key]), connections)
                    settle(servers.values(), paths["static"])
                    results.setdefault((config, key), []).append(run)
                    say(
                        f"round {round_number} {config:<4} {label:<20} {run.rps:9,.0f} req/s  "
                        f"p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms  errors {run.errors}"
                    )

        context["load_after"] = load_average()
        for server in servers.values():
            server.stop()

        say(f"\n==> admin changelists at {args.terms:,} rows each (in-process)")
        manage(
            env, "generate_content", "--terms", str(args.terms), "--services", str(args.terms),
            "--technologies", str(args.terms), "--seed", "1", "--replace", "-v0", timeout=1800,
        )  # fmt: skip
        inspected = subprocess.run(
            [sys.executable, __file__, "--inspect-admin", str(args.terms)],
            cwd=ROOT, env={**env, "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver"},
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if inspected.returncode:
            raise RuntimeError(f"measuring the admin failed:\n{inspected.stderr[-3000:]}")
        info["admin"] = json.loads(inspected.stdout.strip().splitlines()[-1])
        static_rps = statistics.median(
            run.rps for config in CONFIGS for run in results[(config, "static")]
        )
        markdown = report(context, results, info, static_rps)
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(markdown, encoding="utf-8")
        say("\n" + markdown)
        say(f"Written to {RESULTS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, Interrupted) as stop:
        print(f"\nBenchmark interrupted ({str(stop) or 'Ctrl-C'}); cleaned up.", file=sys.stderr)
        sys.exit(130)
    except (RuntimeError, subprocess.SubprocessError) as error:
        print(f"\nBenchmark failed: {error}", file=sys.stderr)
        sys.exit(1)
