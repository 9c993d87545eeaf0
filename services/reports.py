"""
The "Leads by page" report for sales: genuine enquiries per source page and per
week, with the figures its bar charts are drawn from, and the assists: how many
enquiries read a page on the way to writing from another (Enquiry.journey).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from services.journey import assisted_pages
from services.models import Enquiry
from services.text import is_site_path

CHART_WIDTH = 600
CHART_HEIGHT = 160


@dataclass
class PageLeads:
    page_url: str
    title: str
    counts: list
    total: int = 0
    bar_width: int = 0
    # Enquiries sent from another page whose journey included this one.
    assists: int = 0

    @property
    def link(self):
        """The page to link to, or "": a stored value that could lead off this site is text."""
        return self.page_url if is_site_path(self.page_url) else ""


@dataclass
class LeadsReport:
    weeks: list
    pages: list
    week_totals: list
    week_bars: list
    total: int
    assists: int = 0


def leads_by_page(weeks, now=None):
    """Genuine enquiries per source page and per week, ready for the admin report's chart."""
    now = now or timezone.now()
    monday = timezone.localtime(now).date()
    monday -= timedelta(days=monday.weekday())
    week_starts = [monday - timedelta(weeks=n) for n in reversed(range(weeks))]
    column = {week: index for index, week in enumerate(week_starts)}
    since = timezone.make_aware(datetime.combine(week_starts[0], time.min))

    pages = {}
    for row in Enquiry.objects.leads_by_page(since):
        week = row["week"]
        week = timezone.localtime(week).date() if hasattr(week, "hour") else week
        if isinstance(week, date) and week in column:
            page = pages.setdefault(
                row["page_url"], PageLeads(row["page_url"], row["title"] or "", [0] * weeks)
            )
            page.counts[column[week]] += row["count"]
            page.total += row["count"]
            page.title = page.title or row["title"] or ""

    assists = count_assists(pages, since, weeks)
    ordered = sorted(pages.values(), key=lambda page: (-page.total, -page.assists, page.page_url))
    busiest_page = max((page.total for page in ordered), default=0)
    for page in ordered:
        page.bar_width = round(CHART_WIDTH * page.total / busiest_page) if busiest_page else 0
    week_totals = [sum(page.counts[i] for page in ordered) for i in range(weeks)]
    busiest_week = max(week_totals, default=0)
    bar_slot = CHART_WIDTH // max(weeks, 1)
    week_bars = [
        {
            "week": week,
            "count": count,
            "x": index * bar_slot + 2,
            "width": max(bar_slot - 4, 1),
            "height": round(CHART_HEIGHT * count / busiest_week) if busiest_week else 0,
            # Dates under at most 13 bars, so that they never overlap.
            "labelled": index % -(-weeks // 13) == 0,
        }
        for index, (week, count) in enumerate(zip(week_starts, week_totals, strict=True))
    ]
    for bar in week_bars:
        bar["y"] = CHART_HEIGHT - bar["height"]
    return LeadsReport(
        weeks=week_starts,
        pages=ordered,
        week_totals=week_totals,
        week_bars=week_bars,
        total=sum(week_totals),
        assists=assists,
    )


def count_assists(pages, since, weeks):
    """
    Credit each page on a genuine enquiry's journey (other than its source
    page, counted once per enquiry) in `pages`, adding the pages only assists
    reached. One query, streamed; returns the number of assists.
    """
    rows = (
        Enquiry.objects.genuine()
        .filter(created_at__gte=since)
        .values_list("page_url", "journey")
        .iterator(chunk_size=2000)
    )
    total = 0
    for page_url, journey in rows:
        for page in assisted_pages(journey, page_url):
            path = page["path"]
            if path not in pages:
                pages[path] = PageLeads(path, str(page.get("title") or ""), [0] * weeks)
            pages[path].assists += 1
            total += 1
    return total
