"""
The search log: each glossary search counted per query and day, cached or
not, with nothing about the visitor; bounded, purged, and never a reason for
the search page to fail.
"""

import datetime
import logging
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from glossary import search_log
from glossary.models import SearchLogEntry
from glossary.models import search_log as search_log_table
from glossary.search_log import RESULTS_HEADER, logged_query
from tests.factories import make_term
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _recording():
    """Every test starts recording, whatever a failure in another one paused."""
    search_log.resume()
    yield
    search_log.resume()


def logged():
    return {row.query: (row.count, row.results) for row in SearchLogEntry.objects.all()}


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def test_a_search_is_counted_by_its_words_lower_cased_once_per_request(client):
    make_term(name="Foundation Model")
    make_term(name="Model Card")
    first = client.get("/glossary/?q=Foundation+Model")
    second = client.get("/glossary/?q=Foundation+Model")

    assert second["X-Page-Cache"] == "hit"  # counted without running the view
    assert RESULTS_HEADER not in first
    assert RESULTS_HEADER not in second
    (row,) = SearchLogEntry.objects.all()
    assert (row.query, row.day, row.count, row.results) == (
        "foundation model",
        timezone.localdate(),
        2,
        1,
    )


def test_nothing_about_the_visitor_is_stored(client, editor):
    client.force_login(editor)
    client.get(
        "/glossary/?q=agents",
        HTTP_USER_AGENT="Secret-Browser/1.0",
        REMOTE_ADDR="203.0.113.9",
        HTTP_REFERER="https://example.org/private",
    )

    assert {field.name for field in SearchLogEntry._meta.get_fields()} == {
        "id",
        "query",
        "day",
        "count",
        "results",
    }
    (row,) = SearchLogEntry.objects.values()
    stored = " ".join(str(value) for value in row.values())
    for personal in (
        "Secret-Browser",
        "203.0.113",
        "example.org",
        "editor",
        client.session.session_key,
    ):
        assert personal not in stored


def test_the_log_says_how_many_terms_a_search_found(client):
    for n in range(3):
        make_term(name=f"Sparse Model {n}")
    client.get("/glossary/?q=sparse")
    client.get("/glossary/?q=nothinglikeit")
    assert logged() == {"sparse": (1, 3), "nothinglikeit": (1, 0)}


def test_paging_through_results_is_not_another_search(client):
    for n in range(25):
        make_term(name=f"Sparse Model {n:02}")
    client.get("/glossary/?q=sparse")
    client.get("/glossary/?q=sparse&page=2")
    assert logged() == {"sparse": (1, 25)}


def test_a_browser_revalidating_a_search_page_counts_it_again(client):
    make_term(name="Foundation Model")
    etag = client.get("/glossary/?q=foundation")["ETag"]

    assert client.get("/glossary/?q=foundation", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert logged() == {"foundation": (2, 1)}

    # What it found is unknown then: a query not logged today gets no row.
    SearchLogEntry.objects.all().delete()
    assert client.get("/glossary/?q=foundation", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert logged() == {}


def test_pages_that_are_not_a_search_are_not_logged(client):
    make_term(name="Foundation Model", slug="foundation-model", tags=["llm"])
    for path in (
        "/glossary/",
        "/glossary/?tag=llm",
        "/glossary/foundation-model/",
        "/glossary/?q=",
    ):
        client.get(path)
    assert client.head("/glossary/?q=foundation").status_code == 200
    assert logged() == {}


def test_new_queries_stop_being_logged_at_the_daily_cap(client, monkeypatch):
    monkeypatch.setattr(search_log_table, "SEARCH_LOG_NEW_QUERIES_PER_DAY", 2)
    SearchLogEntry.objects.create(query="yesterday", day=days_ago(1), results=0)
    for query in ("first", "second", "third", "first"):
        client.get(f"/glossary/?q={query}")
    # Past the cap only the queries already seen today are counted.
    assert logged() == {"first": (2, 0), "second": (1, 0), "yesterday": (1, 0)}


def test_a_logged_query_is_at_most_the_field_length():
    assert logged_query("  Foundation,  MODEL? ") == "foundation model"
    # Lower-casing "İ" makes two characters of one: the cut comes after it.
    assert len(logged_query("İ" * 100)) == search_log_table.SEARCH_LOG_QUERY_MAX_LENGTH
    assert len(logged_query("x" * 500)) == search_log_table.SEARCH_LOG_QUERY_MAX_LENGTH


def test_a_long_search_is_logged_cut_to_the_length_limit(client):
    client.get("/glossary/?q=" + "y" * 100)
    (row,) = SearchLogEntry.objects.all()
    assert row.query == "y" * search_log_table.SEARCH_LOG_QUERY_MAX_LENGTH
    row.full_clean()


def test_a_repeated_search_costs_one_query_more(client, cold_cache, django_assert_num_queries):
    """Guards the search page's budget: the log adds one UPDATE once a query is logged today."""
    for n in range(30):
        make_term(name=f"Alpha Model {n}")
    client.get("/glossary/?q=model")
    # The letters, (PostgreSQL) full text or typo, the page with its count; the log.
    with django_assert_num_queries((3 if connection.vendor == "postgresql" else 2) + 1):
        assert client.get("/glossary/?q=model").status_code == 200
    assert logged() == {"model": (2, 30)}


def test_searches_wait_in_the_process_and_are_written_together(
    client, settings, django_assert_num_queries
):
    settings.SEARCH_LOG_WRITE_SECONDS = 60
    make_term(name="Foundation Model")
    client.get("/glossary/?q=foundation")
    client.get("/glossary/?q=Foundation")
    # Answered from the page cache and counted, without a query.
    with django_assert_num_queries(0):
        assert client.get("/glossary/?q=foundation")["X-Page-Cache"] == "hit"
    assert not SearchLogEntry.objects.exists()

    with django_assert_num_queries(5):  # the UPDATE, the cap, the INSERT in its savepoint
        search_log.write()
    assert logged() == {"foundation": (3, 1)}


def test_the_waiting_searches_are_written_once_their_time_has_come(client, settings):
    settings.SEARCH_LOG_WRITE_SECONDS = 60
    client.get("/glossary/?q=alpha")
    assert not SearchLogEntry.objects.exists()
    search_log._written_at -= 61  # a minute later
    client.get("/glossary/?q=beta")
    assert logged() == {"alpha": (1, 0), "beta": (1, 0)}


def test_a_flood_of_different_searches_is_written_in_chunks(client, settings, monkeypatch):
    settings.SEARCH_LOG_WRITE_SECONDS = 60
    monkeypatch.setattr(search_log, "WRITE_AT_QUERIES", 3)
    for word in ("one", "two"):
        client.get(f"/glossary/?q={word}")
    assert not SearchLogEntry.objects.exists()
    client.get("/glossary/?q=three")
    assert set(logged()) == {"one", "two", "three"}


def test_a_process_that_stops_writes_what_it_counted(client, settings):
    settings.SEARCH_LOG_WRITE_SECONDS = 60
    client.get("/glossary/?q=leaving")
    search_log._write_at_exit()
    assert logged() == {"leaving": (1, 0)}


@pytest.fixture
def old_and_recent():
    """Five counts of 90 days ago or more, one of 89 days ago."""
    for n in range(5):
        SearchLogEntry.objects.create(query=f"old {n}", day=days_ago(90 + n), results=0)
    SearchLogEntry.objects.create(query="recent", day=days_ago(89), results=1)


def test_purge_search_log_deletes_the_counts_older_than_90_days(old_and_recent):
    out = call_command_output("purge_search_log")

    assert out == "Deleted 5 search log counts older than 90 days.\n"
    assert list(SearchLogEntry.objects.values_list("query", flat=True)) == ["recent"]


def test_the_purge_deletes_in_batches(old_and_recent, django_assert_num_queries):
    # Per batch of 2: its ids, the rows (post_delete has receivers for every
    # model, so Django loads what it deletes), the DELETE; a last read finds none.
    with django_assert_num_queries(3 * 3 + 1):
        assert SearchLogEntry.objects.purge(90, batch_size=2) == 5
    assert SearchLogEntry.objects.count() == 1


def test_purge_takes_another_number_of_days():
    SearchLogEntry.objects.create(query="week old", day=days_ago(7), results=0)
    SearchLogEntry.objects.create(query="today", day=days_ago(0), results=0)
    assert call_command_output("purge_search_log", "--days", "7") == (
        "Deleted 1 search log counts older than 7 days.\n"
    )
    assert list(SearchLogEntry.objects.values_list("query", flat=True)) == ["today"]


def call_command_output(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def searches():
    """Counts over the last days: "llm" 7, "rag" 5 (none found), "agnt" 4 (none found)."""
    rows = [
        ("llm", 0, 4, 3),
        ("llm", 29, 3, 3),
        ("rag", 1, 5, 0),
        ("agnt", 2, 2, 0),
        ("agnt", 3, 2, 0),
        # Too old for 30 days: not counted.
        ("old", 30, 100, 0),
    ]
    SearchLogEntry.objects.bulk_create(
        SearchLogEntry(query=query, day=days_ago(n), count=count, results=results)
        for query, n, count, results in rows
    )


def test_top_lists_the_most_frequent_searches_of_30_days_in_one_query(
    searches, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert list(SearchLogEntry.objects.top()) == [("llm", 7), ("rag", 5), ("agnt", 4)]
    assert list(SearchLogEntry.objects.top(days=2, limit=1)) == [("rag", 5)]


def test_top_not_found_lists_the_most_frequent_searches_that_found_nothing(
    searches, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert list(SearchLogEntry.objects.top_not_found()) == [("rag", 5), ("agnt", 4)]
    assert list(SearchLogEntry.objects.top_not_found(days=31, limit=1)) == [("old", 100)]


@contextmanager
def read_only_database():
    """The database itself refuses writes (reads still work), as a read-only replica would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
            else:
                cursor.execute("PRAGMA query_only = OFF")


@pytest.mark.django_db(transaction=True)
def test_the_search_page_is_served_when_the_log_cannot_be_written(
    client, caplog, django_assert_num_queries
):
    """
    Outside a test transaction, as in production (the middleware runs after
    the view, in autocommit), so that PostgreSQL's refusal is real.
    """
    make_term(name="Foundation Model")
    caplog.set_level(logging.ERROR, logger="glossary.search_log")
    with read_only_database():
        response = client.get("/glossary/?q=foundation")
        assert response.status_code == 200
        assert "Foundation Model" in text(response)
        # For a minute no search is recorded: a cached page does not wait for
        # the database first, and the failure is logged once.
        with django_assert_num_queries(0):
            assert client.get("/glossary/?q=foundation")["X-Page-Cache"] == "hit"
    assert [record.getMessage()[:40] for record in caplog.records] == [
        "Searches are not being recorded: the sea"
    ]
    assert not SearchLogEntry.objects.exists()

    search_log.resume()
    client.get("/glossary/?q=foundation")
    assert logged() == {"foundation": (1, 1)}
