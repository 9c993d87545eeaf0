"""
The registry of public content: the one place that says which kinds of
content the site publishes (glossary terms, services, technologies…) and what
the rest of the site needs to know about each.

Apps register their kinds in their AppConfig.ready(), the way models register
with admin.site; the project package never names them. The page cache, the
sitemap, detail-page reads, structured data, links, `refresh_scheduled` and
the expiry of cached pages at a scheduled publication all read this registry,
so a kind registered here is kept fresh and listed everywhere, and a kind
that is not registered is simply not public content.

This module imports nothing of the project's, so that any module may read it.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class ContentKind:
    """One kind of public content and how the site shows it."""

    # A PublishableContent model.
    model: Any
    # URL names of its page (taking `slug`) and of its list page.
    detail_url_name: str
    list_url_name: str
    # The section its pages belong to, as breadcrumbs and titles name it.
    section_title: str
    # Its name field and its one-line text, as lists and cards show them.
    title_field: str
    summary_field: str
    # A field shown in brackets after the title on cards, if any ("LLM").
    short_form_field: str = ""
    # The relations its page lists, in this order (consultancy.queries).
    lists: tuple[str, ...] = ()
    # Lists its app computes, as (name, items_for): items_for(pk, now) returns
    # querysets of published items, pk and now being placeholders of a read
    # compiled once (consultancy.prepared). The terms' "Mentioned in".
    computed_lists: tuple[tuple[str, Any], ...] = ()
    # Its sitemap (a consultancy.sitemaps.PublishedSitemap), if it has one.
    sitemap: Any = None
    # Its JSON-LD: a function (request, item) -> dict, or None.
    describe: Any = None

    @property
    def name(self) -> str:
        """The kind as links and contact topics name it: "term", "service"…"""
        return self.model._meta.model_name


_kinds: dict[str, ContentKind] = {}
_by_model: dict[Any, ContentKind] = {}
_pages: list[str] = []
_models: frozenset = frozenset()


def register(kind: ContentKind) -> ContentKind:
    """Declare a kind of public content. Registering one twice is an error."""
    if kind.name in _kinds:
        raise ValueError(f"The content kind {kind.name!r} is already registered.")
    global _models
    _kinds[kind.name] = kind
    _by_model[kind.model] = kind
    relations = [field.remote_field.through for field in kind.model._meta.many_to_many]
    _models = _models | {kind.model, *relations}
    return kind


def register_page(url_name: str) -> None:
    """A fixed public page (no slug) for the sitemap, such as the contact form."""
    if url_name not in _pages:
        _pages.append(url_name)


def kinds() -> list[ContentKind]:
    """Every registered kind, in the order of registration."""
    return list(_kinds.values())


def get(name: str) -> ContentKind:
    """The kind registered as `name` ("term"); LookupError if there is none."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No content kind {name!r} is registered.") from None


def for_model(model) -> ContentKind:
    """The kind of a model (or of one of its instances)."""
    model = model if isinstance(model, type) else type(model)
    try:
        return _by_model[model._meta.concrete_model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered content kind.") from None


def pages() -> list[str]:
    """URL names of the fixed public pages that apps registered."""
    return list(_pages)


def models() -> frozenset:
    """
    Every registered model and the tables of its many-to-many relations: the
    rows whose changes public pages may show. Asked on every save of any model
    (consultancy.cache), so it is kept ready rather than computed.
    """
    return _models
