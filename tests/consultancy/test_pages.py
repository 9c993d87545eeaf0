"""Site-wide checks: every page renders, search engines find their way."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from consultancy.models import Status
from tests.factories import make_term
from tests.helpers import h1_count, structured_types, text

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/glossary/",
        "/glossary/letter/f/",
        "/glossary/?q=model",
        "/glossary/foundation-model/",
        "/services/",
        "/services/cloud-ai-modernisation/",
        "/technologies/",
        "/technologies/openai-integration/",
        "/privacy/",
    ],
)
def test_every_page_renders_with_one_h1_and_breadcrumb_data(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1
    if path != "/":
        assert "BreadcrumbList" in structured_types(response) or path == "/privacy/"


def test_home_page_has_services_glossary_search_and_organization(client, site):
    response = client.get("/")
    content = text(response)
    assert site[1].title in content
    assert 'action="/glossary/"' in content
    assert "Get in Touch" in content
    assert structured_types(response) == {"Organization"}


def test_sitemap_lists_published_content_with_lastmod(client, site):
    make_term(slug="draft-term", status=Status.DRAFT)
    make_term(slug="future-term", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    urls = {u.find("s:loc", SITEMAP_NS).text: u for u in root.findall("s:url", SITEMAP_NS)}
    assert "http://testserver/glossary/foundation-model/" in urls
    assert "http://testserver/services/cloud-ai-modernisation/" in urls
    assert "http://testserver/technologies/openai-integration/" in urls
    assert (
        urls["http://testserver/glossary/foundation-model/"].find("s:lastmod", SITEMAP_NS)
        is not None
    )
    assert not any("draft-term" in url or "future-term" in url for url in urls)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text(response)


def test_feed_lists_newly_published_terms_only(client, site):
    make_term(name="Hidden Draft", status=Status.DRAFT)
    response = client.get("/glossary/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Foundation Model" in text(response)
    assert "Hidden Draft" not in text(response)


def test_branded_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in text(response)


@override_settings(DEBUG=False)
def test_500_page_renders_without_the_database(client, django_assert_num_queries):
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


def test_pages_send_a_strict_content_security_policy(client, site):
    policy = client.get("/glossary/foundation-model/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_header_marks_the_current_section(client, site):
    assert '<a href="/glossary/" aria-current="page">Glossary</a>' in text(client.get("/glossary/"))
    contact = text(client.get("/contact/"))
    assert 'href="/contact/" aria-current="page">Get in Touch</a>' in contact
