"""
What the visitor read before writing: the journey the browser keeps in
sessionStorage (static/js/journey.js) and sends with the contact form.

Nothing is kept on the server until the form is sent, and what arrives is
untrusted: clean_journey() keeps only well-formed entries and drops the rest
(never failing the form for it). Query strings and fragments are dropped, as
they can carry personal data (a search, an email address in a link).
"""

import json
from urllib.parse import urlsplit

from services.text import is_site_path, printable

JOURNEY_MAX_PAGES = 10
PATH_MAX_LENGTH = 300
TITLE_MAX_LENGTH = 200
# Far more than ten honest entries take, so junk is refused before parsing it.
RAW_MAX_LENGTH = 8000


def clean_page(item):
    """One entry as {path, title}, or None when it is not a page of this site."""
    if not isinstance(item, dict):
        return None
    path, title = item.get("path"), item.get("title", "")
    if not isinstance(path, str) or not isinstance(title, str):
        return None
    try:
        parts = urlsplit(path)
    except ValueError:
        return None
    path = parts.path
    if parts.scheme or parts.netloc or len(path) > PATH_MAX_LENGTH or not is_site_path(path):
        return None
    if printable(path, PATH_MAX_LENGTH) != path:  # Control characters: not a path we serve.
        return None
    return {
        "path": path,
        "title": " ".join(printable(title, TITLE_MAX_LENGTH * 2).split())[:TITLE_MAX_LENGTH],
    }


def clean_journey(raw):
    """The last JOURNEY_MAX_PAGES valid pages of a journey sent as JSON, oldest first."""
    if not isinstance(raw, str) or not raw or len(raw) > RAW_MAX_LENGTH:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    pages = [page for page in map(clean_page, items[-JOURNEY_MAX_PAGES * 3 :]) if page]
    return pages[-JOURNEY_MAX_PAGES:]


def assisted_pages(journey, source_page):
    """The distinct pages of a journey other than the source page, in order: its assists."""
    seen = {source_page}
    assists = []
    for page in journey or []:
        path = page.get("path") if isinstance(page, dict) else None
        if isinstance(path, str) and path not in seen:
            seen.add(path)
            assists.append(page)
    return assists
