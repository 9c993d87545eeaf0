"""
The benchmark's in-process measurements, with Django's test client: no
server, no network, so what they count is the site's own work.

    python bench/measure.py pages          # query counts and page sizes
    python bench/measure.py admin --rows N # admin changelists at N rows

The runner (bench/run.py) starts this script in a child process whose
environment points at the bench database with caching off: Django is set up
from the environment once per process, and the runner itself never imports
it. Each command prints one JSON object, on the last line of its output.
"""

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import time

from common import HOST, ROOT, STATIC_ROOT

# The changelists staff and sales work in, measured at 100 rows a page.
ADMIN_CHANGELISTS = [
    ("glossary.term", "Terms", "/admin/glossary/term/"),
    ("services.service", "Services", "/admin/services/service/"),
    ("services.technology", "Technologies", "/admin/services/technology/"),
    ("services.enquiry", "Enquiries", "/admin/services/enquiry/"),
]

# (key, label, connections) of what is measured; "static" is the yardstick.
# Search is also measured with one connection: under the full load its p99


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultancy.settings")
    import django

    django.setup()


def pages():
    """
    Before the load runs: picks the pages to load, counts each page's queries
    with the test client and measures page sizes. Prints one JSON object.
    """
    setup_django()
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


def admin(rows, timed_requests=5):
    """
    After the load runs, once generate_content has made `rows` services and
    technologies too: adds `rows` enquiries, then times each admin changelist
    for a superuser (median of a few requests after a first one) and counts
    its queries. Prints one JSON object.
    """
    setup_django()
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pages", help="query counts and sizes of the pages the runner loads")
    admin_parser = commands.add_parser("admin", help="time the admin changelists")
    admin_parser.add_argument("--rows", type=int, required=True, help="enquiries to fill up to")
    args = parser.parse_args()
    if args.command == "pages":
        pages()
    else:
        admin(args.rows)


if __name__ == "__main__":
    main()
