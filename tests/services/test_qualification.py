"""Budget and timeline on the contact form, and the booking link on the thank-you page."""

import pytest
from django.core import mail
from django.urls import reverse

from services.models import Enquiry
from tests.consultancy.test_settings import read_setting
from tests.factories import make_enquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

CONTACT_URL = reverse("services:contact")
THANKS_URL = reverse("services:contact_thanks")


def test_form_offers_the_budget_and_timeline_choices_of_the_settings(client, settings):
    settings.ENQUIRY_BUDGET_CHOICES = [("small", "Small"), ("large", "Large")]
    content = client.get(CONTACT_URL).content.decode()
    assert '<option value="small">Small</option>' in content
    assert '<option value="large">Large</option>' in content
    assert '<option value="now">As soon as possible</option>' in content
    assert "Prefer not to say" in content


def test_budget_and_timeline_are_stored_and_shown_to_sales(
    send_enquiry, enquiry_form_data, sales_client
):
    send_enquiry(enquiry_form_data(budget="50k-150k", timeline="quarter"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.budget, enquiry.timeline) == ("50k-150k", "quarter")

    body = mail.outbox[0].body
    assert "Budget:   £50,000 to £150,000" in body
    assert "Timeline: Within three months" in body
    page = sales_client.get(reverse("admin:services_enquiry_change", args=[enquiry.pk]))
    assert "£50,000 to £150,000" in page.content.decode()
    assert "Within three months" in page.content.decode()


def test_budget_and_timeline_are_optional(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data())
    enquiry = Enquiry.objects.get()
    assert (enquiry.budget, enquiry.timeline) == ("", "")
    assert "Budget:   (not given)" in mail.outbox[0].body


def test_a_budget_not_offered_is_refused_with_a_message(client, enquiry_form_data):
    response = client.post(CONTACT_URL, enquiry_form_data(budget="a-billion"))
    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_a_value_removed_from_the_settings_is_shown_as_stored(sales_client, settings):
    settings.ENQUIRY_BUDGET_CHOICES = []
    enquiry = make_enquiry(budget="10k-50k")
    page = sales_client.get(reverse("admin:services_enquiry_change", args=[enquiry.pk]))
    assert "10k-50k" in page.content.decode()


def test_thank_you_page_offers_a_booking_link_only_when_set(client, settings):
    settings.SALES_BOOKING_URL = ""
    assert "Book a call" not in client.get(THANKS_URL).content.decode()
    settings.SALES_BOOKING_URL = "https://cal.example.com/halyard/intro"
    content = client.get(THANKS_URL).content.decode()
    assert '<a class="button" href="https://cal.example.com/halyard/intro"' in content
    assert "Book a call" in content


@pytest.mark.parametrize(
    "url", ["http://cal.example.com/", "javascript:alert(1)", "cal.example.com", "ftp://x.example/"]
)
def test_settings_refuse_a_booking_url_that_is_not_https(url):
    result = read_setting("settings.SALES_BOOKING_URL", DJANGO_DEBUG="1", SALES_BOOKING_URL=url)
    assert result.returncode != 0
    assert "SALES_BOOKING_URL must be an https:// URL" in result.stderr


def test_settings_take_an_https_booking_url():
    url = "https://cal.example.com/halyard"
    result = read_setting("settings.SALES_BOOKING_URL", DJANGO_DEBUG="1", SALES_BOOKING_URL=url)
    assert result.stdout.strip() == url, result.stderr
