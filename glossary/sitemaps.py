from consultancy.sitemaps import PublishedSitemap
from glossary.models import Term


class TermSitemap(PublishedSitemap):
    model = Term
    priority = 0.6
