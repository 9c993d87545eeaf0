"""
Content health (`<admin>/content-health/`): one page for editors of what to
fix, in sections, each with a count and its first rows, each row linking to
where it is fixed.

Apps register their sections in their AppConfig.ready() (register()), the
way they register kinds of content; this module adds the sections every
registered kind shares (drafts left alone, SEO fields). A section reads a
count and at most ROWS_PER_SECTION rows, so the page runs the same number of
queries whether a section has one row or ten thousand.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Window
from django.db.models.functions import Length
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from consultancy import content_types
from consultancy.models import META_DESCRIPTION_LENGTH, Draft

ROWS_PER_SECTION = 50
STALE_AFTER = datetime.timedelta(days=30)
# What search results show before cutting a title off.
SEO_TITLE_SHOWN = 60


@dataclass(frozen=True)
class Row:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    """One section: `read(limit)` returns (how many rows in all, the first `limit` rows)."""

    key: str
    title: str
    description: str
    read: Callable[[int], tuple[int, list[Row]]]
    # Where it comes on the page: lower first.
    position: int = 100


class Report(NamedTuple):
    """What the page shows of one section: its rows, and how many it did not show."""

    section: Section
    count: int
    rows: list[Row]

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    if section.key in _sections:
        raise ValueError(f"The content health section {section.key!r} is already registered.")
    _sections[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.position)


def counted(queryset, limit):
    """(how many in all, the first `limit`): one query, however many there are."""
    items = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return (items[0].total_rows if items else 0), items


def item_rows(queryset, note, limit):
    """(count, rows) of a queryset of content items, each row linking to its change page."""
    count, items = counted(queryset, limit)
    return count, [Row(str(item), item.get_admin_url(), note(item)) for item in items]


def per_kind(read_kind, limit):
    """One read per registered kind, the rows joined (the first `limit` of them)."""
    count, rows = 0, []
    for kind in content_types.kinds():
        found, found_rows = read_kind(kind, limit)
        count, rows = count + found, rows + found_rows
    return count, rows[:limit]


def _untouched_drafts(limit):
    since = timezone.now() - STALE_AFTER

    def drafts_of(kind, limit):
        queryset = kind.model.objects.drafts().filter(updated_at__lt=since).order_by("updated_at")
        name = kind.model._meta.verbose_name
        return item_rows(
            queryset, lambda item: f"{name}, a draft last changed {item.updated_at:%d %b %Y}", limit
        )

    count, rows = per_kind(drafts_of, limit)
    # Unpublished changes to live items, left as long.
    changes = Draft.objects.filter(updated_at__lt=since).select_related("content_type")
    found, drafts = counted(changes.order_by("updated_at"), limit)
    for draft in drafts:
        opts = draft.content_type
        url = reverse(f"admin:{opts.app_label}_{opts.model}_change", args=[draft.object_id])
        note = f"unpublished changes to a live {opts.name}, last saved {draft.updated_at:%d %b %Y}"
        rows.append(Row(f"{opts.name.capitalize()} #{draft.object_id}", url, note))
    return count + found, rows[:limit]


def _seo_rows(limit, *, field, fallback, too_long, missing_note):
    def read_kind(kind, limit):
        fallback_field = fallback(kind)
        queryset = (
            kind.model.objects.alias(own_length=Length(field))
            .filter(Q(own_length__gt=too_long) | Q(**{field: ""}))
            .order_by(kind.title_field)
        )

        def note(item):
            text = getattr(item, field) or getattr(item, fallback_field)
            if len(text) > too_long:
                return f"{len(text)} characters: more than {too_long} are cut off"
            return missing_note

        return item_rows(queryset, note, limit)

    return per_kind(read_kind, limit)


def _seo_titles(limit):
    return _seo_rows(
        limit,
        field="seo_title",
        fallback=lambda kind: kind.title_field,
        too_long=SEO_TITLE_SHOWN,
        missing_note="no SEO title: the name is used",
    )


def _meta_descriptions(limit):
    return _seo_rows(
        limit,
        field="meta_description",
        fallback=lambda kind: kind.summary_field,
        too_long=META_DESCRIPTION_LENGTH,
        missing_note="no meta description: the one-line text is used",
    )


register(
    Section(
        "untouched-drafts",
        "Drafts untouched for 30 days",
        "Drafts, and unpublished changes to live pages, that nobody has saved for a month.",
        _untouched_drafts,
        position=40,
    )
)
register(
    Section(
        "seo-titles",
        "SEO titles missing or too long",
        f"Search results show about {SEO_TITLE_SHOWN} characters of a title.",
        _seo_titles,
        position=70,
    )
)
register(
    Section(
        "meta-descriptions",
        "Meta descriptions missing or too long",
        f"Search results show about {META_DESCRIPTION_LENGTH} characters of a description.",
        _meta_descriptions,
        position=71,
    )
)


def content_health_view(request):
    """The page itself, for staff who may change some kind of content."""
    if not any(
        request.user.has_perm(f"{k.model._meta.app_label}.change_{k.model._meta.model_name}")
        for k in content_types.kinds()
    ):
        raise PermissionDenied
    report = []
    for section in sections():
        report.append(Report(section, *section.read(ROWS_PER_SECTION)))
    context = {
        **admin.site.each_context(request),
        "title": "Content health",
        "report": report,
        "rows_per_section": ROWS_PER_SECTION,
    }
    return TemplateResponse(request, "admin/content_health.html", context)
