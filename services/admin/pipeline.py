"""The Pipeline report's admin page and CSV (services/pipeline.py computes it)."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from services import pipeline
from services.exports import csv_cell


class PipelineReportMixin:
    """For EnquiryAdmin: <admin>/services/enquiry/pipeline/ (?weeks=, ?format=csv)."""

    def pipeline_urls(self):
        view = self.admin_site.admin_view(self.pipeline_view)
        return [path("pipeline/", view, name="services_enquiry_pipeline")]

    def pipeline_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            weeks = int(request.GET.get("weeks", pipeline.DEFAULT_WEEKS))
        except ValueError:
            weeks = pipeline.DEFAULT_WEEKS
        if weeks not in pipeline.WEEK_CHOICES:
            weeks = pipeline.DEFAULT_WEEKS
        report = pipeline.pipeline(weeks)
        if request.GET.get("format") == "csv":
            return self.pipeline_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Pipeline",
            "weeks": weeks,
            "week_choices": pipeline.WEEK_CHOICES,
            "report": report,
            "topics": report.topics[: pipeline.MAX_ROWS],
            "pages": report.pages[: pipeline.MAX_ROWS],
            "max_rows": pipeline.MAX_ROWS,
        }
        return TemplateResponse(request, "admin/services/enquiry/pipeline.html", context)

    @staticmethod
    def pipeline_csv(report):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(pipeline.CSV_HEADER)
        for row in pipeline.csv_rows(report):
            writer.writerow([csv_cell(value) if isinstance(value, str) else value for value in row])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = (
            f'attachment; filename="pipeline-{report.weeks}-weeks-{stamp}.csv"'
        )
        return response
