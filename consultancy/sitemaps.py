"""
The sitemap: the site's fixed pages, then every public item of each kind of
content that registered a sitemap (consultancy.content_types).
"""

from django.contrib.sitemaps import Sitemap

from consultancy import content_types
from consultancy.links import url_for


class PublishedSitemap(Sitemap):
    """Every public item of one kind, with the date it last changed."""

    model = None

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    """The home page, each kind's list page and the pages apps registered."""

    priority = 0.5

    def items(self):
        lists = [kind.list_url_name for kind in content_types.kinds()]
        return list(dict.fromkeys(["home", *lists, *content_types.pages()]))

    def location(self, item):
        return url_for(item)


def site_sitemaps():
    """The sections of /sitemap.xml, for django.contrib.sitemaps' view."""
    sections = {"pages": PageSitemap}
    for kind in content_types.kinds():
        if kind.sitemap is not None:
            sections[kind.name] = kind.sitemap
    return sections
