from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from glossary.models import Term
from services.models import Service, Technology


class PublishedSitemap(Sitemap):
    """Every public item of one kind, with the date it last changed."""

    model = None

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TermSitemap(PublishedSitemap):
    model = Term
    priority = 0.6


class ServiceSitemap(PublishedSitemap):
    model = Service
    priority = 0.8


class TechnologySitemap(PublishedSitemap):
    model = Technology
    priority = 0.7


class PageSitemap(Sitemap):
    """The site's fixed pages."""

    priority = 0.5

    def items(self):
        return [
            "home",
            "glossary:term_list",
            "services:service_list",
            "services:technology_list",
            "services:contact",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "glossary": TermSitemap,
    "services": ServiceSitemap,
    "technologies": TechnologySitemap,
}
