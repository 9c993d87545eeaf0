"""
The project's models, by concern: what every kind of content has in common
(content.py), redirects and missing addresses (redirects.py), counts per day
(counts.py), drafts of live content (drafts.py) and the link index (links.py).
"""

from consultancy.models.content import (
    META_DESCRIPTION_LENGTH,
    PublishableContent,
    PublishableQuerySet,
    Status,
    count_of,
)
from consultancy.models.counts import DailyCountQuerySet
from consultancy.models.drafts import Draft, DraftQuerySet
from consultancy.models.links import BodyLink
from consultancy.models.redirects import (
    MissingUrl,
    MissingUrlQuerySet,
    Redirect,
    RedirectQuerySet,
    RedirectSource,
)

__all__ = [
    "META_DESCRIPTION_LENGTH",
    "BodyLink",
    "DailyCountQuerySet",
    "Draft",
    "DraftQuerySet",
    "MissingUrl",
    "MissingUrlQuerySet",
    "PublishableContent",
    "PublishableQuerySet",
    "Redirect",
    "RedirectQuerySet",
    "RedirectSource",
    "Status",
    "count_of",
]
