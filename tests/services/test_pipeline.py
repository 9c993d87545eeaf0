"""The Pipeline report: figures per topic and source page, weeks, CSV, chart and query count."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from services import pipeline
from services.models import EnquiryStatus
from tests.factories import make_enquiry, make_service, make_term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sales_office")]

PIPELINE = reverse("admin:services_enquiry_pipeline")


def at(day, hour, minute=0):
    """January 2026 in London: Friday 2, Monday 5 and Tuesday 6 are working days."""
    return datetime(2026, 1, day, hour, minute, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def leads(monkeypatch):
    """A term with four enquiries (one won, one lost, one qualified), a service with one, spam.

    The clock stands at noon on a Wednesday, so the answered ones took one
    business hour whatever the hour and day the suite runs.
    """
    monkeypatch.setattr(timezone, "now", lambda: at(7, 12))
    term = make_term(name="Retrieval-Augmented Generation")
    service = make_service(title="Cloud AI")
    received = timezone.now() - timedelta(days=1)
    answered = {"created_at": received, "first_response_at": received + timedelta(hours=1)}
    for status in [EnquiryStatus.WON, EnquiryStatus.LOST, EnquiryStatus.QUALIFIED]:
        make_enquiry(topic=term, page_url="/glossary/rag/", status=status, **answered)
    make_enquiry(topic=term, page_url="/glossary/rag/", created_at=received)
    make_enquiry(topic=service, page_url="/services/cloud-ai/", created_at=received)
    make_enquiry(topic=term, status=EnquiryStatus.SPAM, created_at=received)
    make_enquiry(topic=term, created_at=timezone.now() - timedelta(weeks=30))
    return term, service


def row(stages, label):
    [stage] = [stage for stage in stages if stage.label == label]
    return stage


def test_figures_per_topic_exclude_spam_and_older_enquiries(leads):
    report = pipeline.pipeline(12)
    rag = row(report.topics, "Retrieval-Augmented Generation (glossary term)")
    assert (rag.enquiries, rag.contacted, rag.qualified, rag.won, rag.lost) == (4, 3, 2, 1, 1)
    assert rag.conversion == 25.0
    assert report.total.enquiries == 5
    assert report.total.conversion == 20.0
    cloud = row(report.topics, "Cloud AI (service)")
    assert (cloud.enquiries, cloud.won, cloud.conversion) == (1, 0, 0.0)
    assert cloud.median_response is None


def test_enquiries_held_for_review_are_not_counted(leads):
    term, _ = leads
    received = timezone.now() - timedelta(days=1)
    make_enquiry(
        topic=term, page_url="/glossary/rag/", status=EnquiryStatus.HELD, created_at=received
    )
    report = pipeline.pipeline(12)
    assert report.total.enquiries == 5
    assert row(report.topics, "Retrieval-Augmented Generation (glossary term)").enquiries == 4
    assert row(report.pages, "/glossary/rag/").enquiries == 4


def test_figures_per_source_page(leads):
    report = pipeline.pipeline(12)
    assert [(page.label, page.enquiries) for page in report.pages] == [
        ("/glossary/rag/", 4),
        ("/services/cloud-ai/", 1),
    ]
    assert report.pages[0].link == "/glossary/rag/"


def test_median_time_to_first_response_is_in_business_hours(monkeypatch):
    # Friday 17:00 → Monday 09:30 is one business hour (the weekend does not
    # count); Monday 10:00 → 13:00 three; Tuesday 09:00 → 11:00 two: median two.
    monkeypatch.setattr(timezone, "now", lambda: at(7, 12))
    for received, answered in [((2, 17), (5, 9, 30)), ((5, 10), (5, 13)), ((6, 9), (6, 11))]:
        make_enquiry(created_at=at(*received), first_response_at=at(*answered))
    make_enquiry(created_at=at(6, 9))  # Not answered yet: not in the median.
    report = pipeline.pipeline(4)
    assert report.total.median_response == 2.0
    assert report.total.median_response_shown == "2 h"


def test_a_longer_period_includes_older_enquiries(leads):
    assert pipeline.pipeline(52).total.enquiries == 6


def test_the_page_shows_the_tables_and_a_chart_with_labelled_axes(sales_client, leads):
    response = sales_client.get(PIPELINE, {"weeks": 12})
    assert response.status_code == 200
    page = response.text
    assert "<h1>Pipeline</h1>" in page
    assert "Retrieval-Augmented Generation (glossary term)" in page
    assert "25.0%" in page
    assert 'role="img"' in page
    assert ">Enquiries</text>" in page
    assert ">Week starting (Monday)</text>" in page
    assert "<script" not in page.split('id="content-main"')[1].split("</svg>")[0]
    assert "style=" not in page.split('id="content-main"')[1].split("</svg>")[0]


def test_an_unknown_period_falls_back_to_twelve_weeks(sales_client, leads):
    for weeks in ["7", "many", "-1"]:
        assert sales_client.get(PIPELINE, {"weeks": weeks}).context["weeks"] == 12


def test_csv_download_has_every_row(sales_client, leads):
    response = sales_client.get(PIPELINE, {"weeks": 12, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == pipeline.CSV_HEADER
    assert [
        "topic",
        "Retrieval-Augmented Generation (glossary term)",
        "4",
        "3",
        "2",
        "1",
        "1",
        "25.0",
        "1.0",
    ] in rows
    assert rows[-1][:3] == ["total", "All enquiries", "5"]


def test_the_page_costs_the_same_queries_however_many_enquiries(
    sales_client, leads, django_assert_num_queries
):
    """
    Guards against N+1: the session, the user, their permissions (2), and one
    query reading the period's enquiries, whatever their number.
    """
    with django_assert_num_queries(5):
        sales_client.get(PIPELINE)
    for _ in range(30):
        make_enquiry(topic=make_term(), page_url="/glossary/x/")
    with django_assert_num_queries(5):
        response = sales_client.get(PIPELINE)
    assert response.context["report"].total.enquiries == 35


def test_editors_cannot_see_the_report(editor_client):
    assert editor_client.get(PIPELINE).status_code == 403
