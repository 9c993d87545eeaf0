"""The A–Z index, letter pages, tag filter and search."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.utils import timezone

from consultancy.models import Status
from glossary.models import Term
from glossary.search import SearchPaginator, search_terms
from tests.factories import make_term
from tests.helpers import h1_count, structured_types, text

pytestmark = pytest.mark.django_db


def test_index_groups_terms_by_letter_with_their_definitions(client):
    make_term(name="Attention", short_definition="Weighing parts of the input.")
    make_term(name="Agent", short_definition="A model that acts.")
    make_term(name="Bias", short_definition="A systematic error.")
    response = client.get("/glossary/")
    content = text(response)
    assert h1_count(response) == 1
    assert content.index(">A</h2>") < content.index("Agent") < content.index("Attention")
    assert content.index("Attention") < content.index(">B</h2>") < content.index("Bias")
    assert "Weighing parts of the input." in content


def test_letter_navigation_links_only_letters_with_terms(client):
    make_term(name="Agent")
    content = text(client.get("/glossary/"))
    assert 'href="/glossary/letter/a/"' in content
    assert 'href="/glossary/letter/z/"' not in content
    assert 'Z<span class="visually-hidden"> (no terms)</span>' in content


def test_letters_in_use_count_only_published_terms():
    assert Term.letters_in_use() == set()
    make_term(name="Agent")
    make_term(name="3D Vision")
    make_term(name="Bias", status=Status.DRAFT)
    make_term(name="Clustering", published_at=timezone.now() + timedelta(days=1))
    assert Term.letters_in_use() == {"A", "#"}


def test_letters_in_use_probe_the_published_letter_index():
    make_term(name="Agent")
    published = Term.objects.published().filter(letter="A")
    sql, params = published.order_by().values("pk").query.sql_with_params()
    on_postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if on_postgres:
            # Tiny tables are cheaper to scan; ask what the planner can use.
            cursor.execute("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN" if on_postgres else "EXPLAIN QUERY PLAN"
        cursor.execute(f"{explain} SELECT EXISTS ({sql})", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "glossary_term_published_letter" in plan


def test_letter_page_lists_only_that_letter(client):
    make_term(name="Agent")
    make_term(name="Bias")
    make_term(name="3D Vision")
    content = text(client.get("/glossary/letter/a/"))
    assert "Agent" in content
    assert "Bias" not in content
    assert "3D Vision" in text(client.get("/glossary/letter/0-9/"))


def test_unknown_letter_is_404(client):
    assert client.get("/glossary/letter/ab/").status_code == 404


def test_index_hides_drafts_and_scheduled_terms(client):
    make_term(name="Visible Term")
    make_term(name="Draft Term", status=Status.DRAFT)
    make_term(name="Future Term", published_at=timezone.now() + timedelta(hours=1))
    content = text(client.get("/glossary/"))
    assert "Visible Term" in content
    assert "Draft Term" not in content
    assert "Future Term" not in content


def test_index_is_paginated(client):
    for n in range(105):
        make_term(name=f"Term {n:03}")
    first, second = client.get("/glossary/"), client.get("/glossary/?page=2")
    assert "Term 099" in text(first)
    assert "Term 100" not in text(first)
    assert "Term 100" in text(second)
    assert "Page 2 of 2" in text(second)
    assert '<link rel="canonical" href="http://testserver/glossary/?page=2">' in text(second)


def test_search_results_are_counted_and_paginated(client, cold_cache, django_assert_num_queries):
    for n in range(25):
        make_term(name=f"Sparse Model {n:02}")
    first = text(client.get("/glossary/?q=sparse"))
    assert "25 results for “sparse”" in first
    assert "Sparse Model 19" in first
    assert "Sparse Model 20" not in first
    # The count comes with the page: letters, (PostgreSQL) full text or typo, page.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
        second = text(client.get("/glossary/?q=sparse&page=2"))
    assert "Page 2 of 2" in second
    assert "Sparse Model 24" in second
    assert "Sparse Model 19" not in second
    assert client.get("/glossary/?q=sparse&page=3").status_code == 404
    assert "No terms match “nothing”" in text(client.get("/glossary/?q=nothing"))


def test_tag_filter(client):
    make_term(name="Tagged Term", tags=["nlp"])
    make_term(name="Other Term", tags=["vision"])
    content = text(client.get("/glossary/?tag=nlp"))
    assert "Tagged Term" in content
    assert "Other Term" not in content
    unknown = client.get("/glossary/?tag=nothing-here")
    assert unknown.status_code == 404
    assert "No such tag" in text(unknown)


@pytest.mark.parametrize("tag", ["nlp\x00", "\x00", "nl\x00p", "nlp\x1b", "nlp\u202e", "a b"])
def test_a_tag_with_nul_or_control_characters_is_an_unknown_tag(client, tag):
    """PostgreSQL refuses NUL in a query: such a tag used to answer 500 there."""
    make_term(name="Tagged Term", tags=["nlp"])
    response = client.get("/glossary/", {"tag": tag})
    assert response.status_code == 404
    assert "No such tag" in text(response)
    assert "Tagged Term" not in text(response)


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("/glossary/?tag=%20nlp%20", "/glossary/?tag=nlp"),
        ("/glossary/?tag=", "/glossary/"),
        ("/glossary/?tag=nlp&page=1", "/glossary/?tag=nlp"),
        ("/glossary/letter/t/?tag=nlp&page=01", "/glossary/letter/t/?tag=nlp"),
    ],
)
def test_a_tag_spelled_another_way_is_redirected_to_the_canonical_url(client, variant, canonical):
    make_term(name="Tagged Term", tags=["nlp"])
    response = client.get(variant)
    assert (response.status_code, response["Location"]) == (301, canonical)
    assert "Tagged Term" in text(client.get(canonical))


def test_index_describes_the_glossary_as_a_defined_term_set(client):
    assert structured_types(client.get("/glossary/")) == {"BreadcrumbList", "DefinedTermSet"}


def test_search_puts_an_exact_name_first(client):
    make_term(name="Attention Mechanism", short_definition="How a transformer weighs tokens.")
    make_term(name="Transformer Architecture", short_definition="The design of a transformer.")
    make_term(name="Transformer", short_definition="A network built on attention.")
    content = text(client.get("/glossary/?q=transformer"))
    assert content.index(">Transformer</a>") < content.index(">Transformer Architecture</a>")
    assert content.index(">Transformer Architecture</a>") < content.index(
        ">Attention Mechanism</a>"
    )


def test_search_finds_abbreviations_definitions_and_bodies(client):
    make_term(name="Large Language Model", abbreviation="LLM")
    make_term(name="Tokenization", short_definition="Splitting text into pieces.")
    make_term(name="Embedding", body="Vectors that capture meaning.")
    assert "Large Language Model" in text(client.get("/glossary/?q=LLM"))
    assert "Tokenization" in text(client.get("/glossary/?q=splitting"))
    assert "Embedding" in text(client.get("/glossary/?q=vectors"))


def test_search_never_shows_drafts(client):
    make_term(name="Secret Model", status=Status.DRAFT)
    assert "Secret Model" not in text(client.get("/glossary/?q=secret"))


@pytest.mark.parametrize("query", ["", "   ", "%%%", "'; DROP TABLE x; --", "a" * 5000, "\x00"])
def test_empty_or_junk_queries_get_a_helpful_empty_state(client, query):
    response = client.get("/glossary/", {"q": query}, follow=True)
    assert response.status_code == 200
    assert "Try a shorter word" in text(response) or "Type a word to search" in text(response)
    assert '<meta name="robots" content="noindex, follow">' in text(response)


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("/glossary/?q=%20Model%20", "/glossary/?q=Model"),
        ("/glossary/?q=Foundation%20%20%20Model", "/glossary/?q=Foundation+Model"),
        ("/glossary/?q=Foundation,+Model%3F", "/glossary/?q=Foundation+Model"),
        ("/glossary/?q=Model%00", "/glossary/?q=Model"),
        ("/glossary/?q=Model&q=Model", "/glossary/?q=Model"),
        ("/glossary/?q=Model&page=1", "/glossary/?q=Model"),
        ("/glossary/?q=%20", "/glossary/?q="),
        (f"/glossary/?q={'a' * 150}", f"/glossary/?q={'a' * 100}"),
        ("/glossary/?q=" + "+".join("abcdefghij"), "/glossary/?q=" + "+".join("abcdefgh")),
    ],
)
def test_a_search_spelled_another_way_is_redirected_to_its_words(client, variant, canonical):
    """Each spelling of one search used to be a page cache entry of its own."""
    make_term(name="Foundation Model")
    response = client.get(variant)
    assert (response.status_code, response["Location"]) == (301, canonical)
    assert response.get("X-Page-Cache") is None
    assert client.get(canonical).status_code == 200


def test_the_canonical_search_is_cached_and_shows_the_query_back(client):
    make_term(name="Foundation Model")
    first = client.get("/glossary/?q=Foundation+Model")
    assert first["X-Page-Cache"] == "miss"
    assert 'value="Foundation Model"' in text(first)
    assert "1 result for “Foundation Model”" in text(first)
    assert client.get("/glossary/?q=Foundation+Model")["X-Page-Cache"] == "hit"


def test_no_results_offers_help(client):
    make_term(name="Transformer")
    content = text(client.get("/glossary/?q=zzzzqqq"))
    assert "No terms match “zzzzqqq”" in content
    assert "Ask our team" in content


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The letters in use, the count, the page.
        ("/glossary/", 3),
        ("/glossary/letter/a/", 3),
        # The letters, (PostgreSQL) full text or typo, the page with its count;
        # then the search log's first row of the day for "model" (an UPDATE
        # that finds none, the day's count, the INSERT in a savepoint).
        ("/glossary/?q=model", {"postgresql": 3 + 5, "sqlite": 2 + 5}),
        # The tag first, then as the index.
        ("/glossary/?tag=x", 4),
    ],
)
def test_index_pages_cost_a_fixed_number_of_queries(
    client, cold_cache, django_assert_num_queries, path, queries
):
    """Guards against N+1 on the index, letter, search and tag pages (uncached)."""
    for n in range(30):
        make_term(name=f"Alpha Model {n}", abbreviation=f"AM{n}", tags=["x"])
    if isinstance(queries, dict):
        queries = queries[connection.vendor]
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_letter_page_breadcrumb_ends_with_the_letter(client):
    make_term(name="Bias")
    content = text(client.get("/glossary/letter/b/"))
    assert '<a href="/glossary/letter/b/" aria-current="page">B</a>' in content


def test_search_paginator_rejects_what_paginator_rejects():
    make_term(name="Sparse Model")
    paginator = SearchPaginator(search_terms("sparse"), 20)
    assert [term.name for term in paginator.page(1)] == ["Sparse Model"]
    assert paginator.count == 1
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(EmptyPage):
        paginator.page(2)
