"""
The glossary's models: terms (terms.py), what their pages list in order
(links.py) and the search log (search_log.py).
"""

from glossary.models.links import (
    SELF_RELATION_MESSAGE,
    RelatedTerm,
    TermService,
    TermTechnology,
)
from glossary.models.search_log import (
    SEARCH_LOG_DAYS,
    SEARCH_LOG_NEW_QUERIES_PER_DAY,
    SEARCH_LOG_QUERY_MAX_LENGTH,
    SearchLogEntry,
    SearchLogQuerySet,
)
from glossary.models.terms import (
    ALPHABET,
    SEARCH_CONFIG,
    SHORT_DEFINITION_MAX_LENGTH,
    Term,
    TermQuerySet,
    index_letter,
    weighted_search_vector,
)

__all__ = [
    "ALPHABET",
    "SEARCH_CONFIG",
    "SEARCH_LOG_DAYS",
    "SEARCH_LOG_NEW_QUERIES_PER_DAY",
    "SEARCH_LOG_QUERY_MAX_LENGTH",
    "SELF_RELATION_MESSAGE",
    "SHORT_DEFINITION_MAX_LENGTH",
    "RelatedTerm",
    "SearchLogEntry",
    "SearchLogQuerySet",
    "Term",
    "TermQuerySet",
    "TermService",
    "TermTechnology",
    "index_letter",
    "weighted_search_vector",
]
