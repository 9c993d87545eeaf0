"""Search behaviour that depends on the database: PostgreSQL ranks with full-text
search and forgives typos; SQLite, the zero-setup default, matches words plainly."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection

from glossary.models import Term
from glossary.search import postgres_match, search_terms
from tests.factories import make_term
from tests.helpers import text

pytestmark = pytest.mark.django_db

on_postgres = connection.vendor == "postgresql"


def test_a_typo_still_finds_the_term_on_postgresql(client):
    make_term(name="Transformer", short_definition="A network built on attention.")
    content = text(client.get("/glossary/?q=tranformer"))
    if on_postgres:
        assert ">Transformer</a>" in content
    else:
        assert "No terms match “tranformer”" in content


def test_stemming_matches_other_forms_of_a_word_on_postgresql():
    make_term(name="Embedding", short_definition="Vectors that represent meaning.")
    found = [term.name for term in search_terms("representing")]
    assert found == (["Embedding"] if on_postgres else [])


def test_name_matches_outrank_body_matches():
    make_term(name="Tokenization", body="Splitting text.")
    make_term(name="Context Window", body="Measured in tokenization units, often.")
    assert next(term.name for term in search_terms("tokenization")) == "Tokenization"


def test_search_vector_is_kept_up_to_date_on_save():
    term = make_term(name="Quantisation")
    term.short_definition = "Storing weights with fewer bits."
    term.save()
    assert [t.pk for t in search_terms("fewer bits")] == [term.pk]


def test_search_query_plan_uses_the_indexes_on_postgresql():
    for n in range(50):
        make_term(name=f"Sample Term {n}")
    if on_postgres:
        _, match = postgres_match("sample")
        sql, params = Term.objects.filter(match).order_by().query.sql_with_params()
        explain = "EXPLAIN"
    else:
        sql, params = search_terms("sample").query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        if on_postgres:
            # Tiny tables are cheaper to scan; ask what the planner can use.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"{explain} {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    if on_postgres:
        assert "glossary_term_search_vector_gin" in plan
        assert "glossary_term_name_trgm" in plan
        assert "glossary_term_aliases_trgm" in plan
    else:
        # SQLite's plain match reads the published rows: fine for small sites.
        assert "glossary_term" in plan


def test_search_vector_column_is_filled_only_on_postgresql():
    make_term(name="Agent")
    vector = Term.objects.values_list("search_vector", flat=True).get()
    assert (vector is not None) == on_postgres


def test_a_typo_lists_the_closest_names_first_on_postgresql():
    make_term(name="Transformer Block Internals")
    make_term(name="Transformer")
    make_term(name="Vision Transformer Encoder")
    found = [term.name for term in search_terms("tranformer")]
    if on_postgres:
        assert found[0] == "Transformer"
        assert set(found) == {
            "Transformer",
            "Transformer Block Internals",
            "Vision Transformer Encoder",
        }
    else:
        assert found == []


def test_text_matches_come_before_names_that_only_look_alike_on_postgresql():
    make_term(name="Regularization", short_definition="Penalising complexity.")
    make_term(name="Dropout", short_definition="A regularisation method for networks.")
    found = [term.name for term in search_terms("regularisation")]
    assert found == (["Dropout", "Regularization"] if on_postgres else ["Dropout"])


def test_search_vectors_stay_in_the_table_row():
    """Ranking reads every match's vector: out in TOAST it cost 3 more pages each."""
    if on_postgres:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstorage FROM pg_attribute "
                "WHERE attrelid = 'glossary_term'::regclass AND attname = 'search_vector'"
            )
            assert cursor.fetchone()[0] == "m"  # MAIN
    else:
        # SQLite has no vector column to place: the migration sends it nothing.
        sent = []
        editor = SimpleNamespace(connection=connection, execute=sent.append)
        import_module("glossary.migrations.0005_search_vector_inline").keep_vectors_inline(
            None, editor
        )
        assert sent == []


def test_an_alias_finds_its_term_and_an_exact_alias_leads():
    make_term(name="Buttons", body="A CTA is often a button.")
    cta = make_term(name="Call To Action", aliases="CTA\nBuy Button")
    # (PostgreSQL also lists "Buttons" after it: a name that looks alike.)
    assert next(iter(search_terms("buy button"))).pk == cta.pk
    make_term(name="CTA Placement")  # the word in a name: still after the exact alias
    assert next(iter(search_terms("cta"))).pk == cta.pk


def test_an_alias_ranks_with_the_name_above_the_body():
    make_term(name="Prompting Guide", body="Retrieval augmented generation, in passing.")
    make_term(name="RAG", aliases="Retrieval Augmented Generation")
    found = [term.name for term in search_terms("augmented generation")]
    assert found == ["RAG", "Prompting Guide"]


def test_a_typo_in_an_alias_still_finds_the_term_on_postgresql():
    make_term(name="RAG", aliases="Retrieval Augmented Generation")
    found = [term.name for term in search_terms("generaton")]
    assert found == (["RAG"] if on_postgres else [])
