from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from consultancy import outages
from consultancy.views import PublishedDetailView, PublishedListView
from services import enquiries, spam
from services.forms import EnquiryForm
from services.models import Service, Technology


class ServiceListView(PublishedListView):
    model = Service


class ServiceDetailView(PublishedDetailView):
    model = Service


class TechnologyListView(PublishedListView):
    model = Technology


class TechnologyDetailView(PublishedDetailView):
    model = Technology


# The contact form and its thank-you page are never cached by a shared cache:
# both carry a CSRF token.


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
# An error report (email to DJANGO_ADMINS, Sentry) never carries what the
# visitor wrote.
@sensitive_post_parameters("name", "email", "company", "message")
def contact(request):
    """The contact form; a valid one is recorded, then the visitor is sent to the thanks page."""
    if request.method != "POST":
        initial = EnquiryForm.initial_for(
            request.GET.get("topic"), request.META.get("HTTP_REFERER")
        )
        return render(request, "services/contact_form.html", {"form": EnquiryForm(initial=initial)})

    form = EnquiryForm(request.POST)
    submission = None
    try:
        if form.is_valid():
            # Only now does the submission count against the sender's limits:
            # a visitor's typing mistakes are never held against them.
            submission = spam.start_submission(request)
            enquiries.record_enquiry(form.cleaned_data, submission)
    except DatabaseError as error:
        if not outages.is_database_outage(error):
            raise
        # Nothing was stored: the visitor gets their message back, to send
        # again, and an address to write to (no database needed to show it).
        outages.log_outage(error)
        form.topic_item = None
        return outages.service_unavailable(
            request, "services/contact_form.html", {"form": form, "unsaved": True}
        )
    if submission is None:
        return render(request, "services/contact_form.html", {"form": form})
    if submission.rate_limited:
        return too_many_requests(request)
    return redirect("services:contact_thanks")


@never_cache
def contact_thanks(request):
    return render(
        request, "services/contact_thanks.html", {"booking_url": settings.SALES_BOOKING_URL}
    )


def too_many_requests(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.ENQUIRY_RATE_LIMIT_WINDOW_SECONDS)
    return response
