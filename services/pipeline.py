"""
The "Pipeline" report for sales: genuine enquiries of the last weeks, per
topic and per source page, how far each got (contacted, qualified, won, lost),
the conversion rate (won / enquiries) and the median time to first response
in business hours; with the weekly figures its chart is drawn from.

One query reads the period's enquiries (a year at most, spam excluded) and
the figures are summed here: the median of business hours cannot be computed
by the database.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from statistics import median

from django.utils import timezone

from services import business_hours
from services.models import Enquiry, EnquiryStatus, TopicKind
from services.text import is_site_path

WEEK_CHOICES = [4, 12, 26, 52]
DEFAULT_WEEKS = 12
# Rows shown on the page per table; the CSV has them all.
MAX_ROWS = 50
# A status counts towards every stage it has passed: a won lead was contacted
# and qualified too. Lost leads may have been lost at any stage, so they count
# as contacted only.
REACHED = {
    "contacted": {
        EnquiryStatus.CONTACTED,
        EnquiryStatus.QUALIFIED,
        EnquiryStatus.WON,
        EnquiryStatus.LOST,
    },
    "qualified": {EnquiryStatus.QUALIFIED, EnquiryStatus.WON},
    "won": {EnquiryStatus.WON},
    "lost": {EnquiryStatus.LOST},
}
CHART = {"width": 640, "height": 200, "left": 48, "bottom": 44, "top": 12, "right": 12}


@dataclass
class Stage:
    """The figures of one row of the report: a topic, a source page, or everything."""

    label: str
    link: str = ""
    enquiries: int = 0
    contacted: int = 0
    qualified: int = 0
    won: int = 0
    lost: int = 0
    response_hours: list = field(default_factory=list)

    def add(self, status, hours):
        self.enquiries += 1
        for stage, statuses in REACHED.items():
            if status in statuses:
                setattr(self, stage, getattr(self, stage) + 1)
        if hours is not None:
            self.response_hours.append(hours)

    @property
    def conversion(self):
        """Won / enquiries, in per cent."""
        return round(100 * self.won / self.enquiries, 1) if self.enquiries else 0.0

    @property
    def median_response(self):
        """Median business hours to first response, or None with no answered enquiry."""
        return round(median(self.response_hours), 2) if self.response_hours else None

    @property
    def median_response_shown(self):
        hours = self.median_response
        return business_hours.format_hours(hours) if hours is not None else "—"


@dataclass
class PipelineReport:
    weeks: int
    since: datetime
    total: Stage
    topics: list
    pages: list
    week_starts: list
    chart: dict


def topic_label(kind, title):
    if not kind:
        return "General enquiry"
    return f"{title or '(page gone)'} ({TopicKind(kind).label.lower()})"


def _chart(week_starts, enquiries, won):
    """Bar positions, axis ticks and labels for the weekly chart, as SVG attributes."""
    width, height = CHART["width"], CHART["height"]
    plot_w = width - CHART["left"] - CHART["right"]
    plot_h = height - CHART["top"] - CHART["bottom"]
    top = max(enquiries, default=0) or 1
    slot = plot_w / max(len(week_starts), 1)
    every = -(-len(week_starts) // 13)
    bars = []
    for index, (week, count, wins) in enumerate(zip(week_starts, enquiries, won, strict=True)):
        x = CHART["left"] + index * slot
        bar_h = round(plot_h * count / top, 1)
        won_h = round(plot_h * wins / top, 1)
        base = CHART["top"] + plot_h
        bars.append(
            {
                "week": week,
                "count": count,
                "won": wins,
                "x": round(x + 1, 1),
                "width": round(max(slot - 2, 1), 1),
                "y": round(base - bar_h, 1),
                "height": bar_h,
                "won_y": round(base - won_h, 1),
                "won_height": won_h,
                "label_x": round(x + slot / 2, 1),
                "labelled": index % every == 0,
            }
        )
    ticks = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    base = CHART["top"] + plot_h
    return {
        **CHART,
        "bars": bars,
        "axis_y": base,
        "axis_right": width - CHART["right"],
        "ticks": [{"value": t, "y": round(base - plot_h * t / top, 1)} for t in ticks],
        "x_label_x": CHART["left"] + plot_w / 2,
        "x_label_y": height - 6,
        "week_label_y": base + 16,
        "y_label_x": 14,
        "y_label_y": CHART["top"] + plot_h / 2,
    }


def pipeline(weeks, now=None):
    """The report for the last `weeks` weeks (whole weeks from Monday, local time)."""
    now = now or timezone.now()
    monday = timezone.localtime(now).date()
    monday -= timedelta(days=monday.weekday())
    week_starts = [monday - timedelta(weeks=n) for n in reversed(range(weeks))]
    since = timezone.make_aware(datetime.combine(week_starts[0], time.min))
    calendar = business_hours.calendar()

    total = Stage("All enquiries")
    topics, pages = {}, {}
    per_week = [0] * weeks
    won_per_week = [0] * weeks
    rows = (
        Enquiry.objects.genuine()
        .filter(created_at__gte=since)
        .values_list(
            "topic_kind",
            "topic_title",
            "page_url",
            "status",
            "created_at",
            "clock_started_at",
            "first_response_at",
        )
        .order_by()
    )
    for kind, title, page_url, status, created_at, clock_started_at, answered_at in rows.iterator(
        chunk_size=2000
    ):
        # From the release of a held enquiry (Enquiry.clock_start), else receipt.
        started = clock_started_at or created_at
        hours = calendar.hours_between(started, answered_at) if answered_at else None
        total.add(status, hours)
        topic = topics.setdefault((kind, title), Stage(topic_label(kind, title)))
        topic.add(status, hours)
        page = pages.setdefault(
            page_url,
            Stage(
                page_url or "Contact page opened directly",
                page_url if is_site_path(page_url) else "",
            ),
        )
        page.add(status, hours)
        week = (timezone.localtime(created_at).date() - week_starts[0]).days // 7
        if 0 <= week < weeks:
            per_week[week] += 1
            won_per_week[week] += status == EnquiryStatus.WON

    def ordered(stages):
        return sorted(stages.values(), key=lambda stage: (-stage.enquiries, stage.label))

    return PipelineReport(
        weeks=weeks,
        since=since,
        total=total,
        topics=ordered(topics),
        pages=ordered(pages),
        week_starts=week_starts,
        chart=_chart(week_starts, per_week, won_per_week),
    )


CSV_HEADER = [
    "group",
    "name",
    "enquiries",
    "contacted",
    "qualified",
    "won",
    "lost",
    "conversion %",
    "median hours to first response",
]


def csv_rows(report):
    """The report's rows for a CSV file: every topic and page, then the total."""
    for group, stages in (
        ("topic", report.topics),
        ("source page", report.pages),
        ("total", [report.total]),
    ):
        for stage in stages:
            yield [
                group,
                stage.label,
                stage.enquiries,
                stage.contacted,
                stage.qualified,
                stage.won,
                stage.lost,
                stage.conversion,
                "" if stage.median_response is None else stage.median_response,
            ]
