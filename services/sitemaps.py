from consultancy.sitemaps import PublishedSitemap
from services.models import Service, Technology


class ServiceSitemap(PublishedSitemap):
    model = Service
    priority = 0.8


class TechnologySitemap(PublishedSitemap):
    model = Technology
    priority = 0.7
