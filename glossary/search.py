"""
Glossary search, best matches first: an exact name, alias or abbreviation
always leads. PostgreSQL ranks a weighted full-text vector (name,
abbreviation and aliases, then short definition, then body) and, when no text
has the words, falls back to names and aliases that look alike (trigram
similarity) for typos; SQLite, the zero-setup default, ranks a plain word
match.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Greatest

from glossary.models import SEARCH_CONFIG, Term
from glossary.phrases import packed_key, phrase_key

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
WORDS = re.compile(r"\w+", re.UNICODE)


def clean_query(raw):
    """The words of a visitor's query: junk, symbols and excess length dropped."""
    return WORDS.findall((raw or "")[:MAX_QUERY_LENGTH])[:MAX_WORDS]


def search_terms(raw_query):
    """Published terms matching the query, best first; none for an empty query."""
    words = clean_query(raw_query)
    terms = Term.objects.index_entries()
    if not words:
        return terms.none()
    phrase = " ".join(words)
    exact = Case(
        When(
            Q(name__iexact=phrase)
            | Q(abbreviation__iexact=phrase)
            | Q(alias_keys__contains=packed_key(phrase_key(phrase))),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    if connections[terms.db].vendor == "postgresql":
        return _postgres_search(terms, phrase, exact)
    return _plain_search(terms, words, phrase, exact)


def postgres_match(phrase):
    """
    Full-text match or a name or alias that looks alike ("tranformer"). Each
    side can use a GIN index (the vector's, and the trigram indexes on name
    and aliases), so PostgreSQL combines index scans instead of reading every
    term.
    """
    query = SearchQuery(phrase, search_type="websearch", config=SEARCH_CONFIG)
    looks_alike = Q(name__trigram_word_similar=phrase) | Q(aliases__trigram_word_similar=phrase)
    return query, Q(search_vector=query) | looks_alike


def _postgres_search(terms, phrase, exact):
    query, match = postgres_match(phrase)
    found = terms.filter(match).annotate(exact=exact)
    # count(), not exists(): its LIMIT 1 tempts PostgreSQL into reading the
    # whole table in the hope of an early match, which a typo never gives.
    if terms.filter(search_vector=query).count():
        # The words are in the text: rank by where they appear (name first).
        # Names that only look alike come last; scoring their likeness too
        # would cost more than the ranking itself on a common word.
        return found.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-exact", "-rank", "name"
        )
    # Nothing has these words: most likely a typo. Closest names first.
    similarity = Greatest(
        TrigramWordSimilarity(phrase, "name"), TrigramWordSimilarity(phrase, "aliases")
    )
    return found.annotate(similarity=similarity).order_by("-exact", "-similarity", "name")


def _plain_search(terms, words, phrase, exact):
    for word in words:
        terms = terms.filter(
            Q(name__icontains=word)
            | Q(abbreviation__icontains=word)
            | Q(aliases__icontains=word)
            | Q(short_definition__icontains=word)
            | Q(body__icontains=word)
        )
    rank = Case(
        When(name__istartswith=phrase, then=Value(3)),
        When(Q(name__icontains=phrase) | Q(aliases__icontains=phrase), then=Value(2)),
        When(short_definition__icontains=phrase, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return terms.annotate(exact=exact, rank=rank).order_by("-exact", "-rank", "name")


class SearchPaginator(Paginator):
    """
    Counts the results in the query that reads the page (COUNT(*) OVER ()).

    Ranking already visits every match, so counting there is nearly free,
    where a separate COUNT would match everything a second time. (Not for
    plain lists: there the page query stops after one page, and a window
    count would make it read every row.)
    """

    def page(self, number):
        if not isinstance(number, int) or number < 1:
            return super().page(number)  # Paginator's own checks and errors
        bottom = (number - 1) * self.per_page
        found = self.object_list.annotate(total=Window(Count("*")))
        rows = list(found[bottom : bottom + self.per_page])
        if rows:
            self.count = rows[0].total
        elif number == 1:
            self.count = 0
        # Past the last page, Paginator counts and raises EmptyPage.
        return self._get_page(rows, self.validate_number(number), self)
