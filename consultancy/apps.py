from django.apps import AppConfig


class ConsultancyConfig(AppConfig):
    name = "consultancy"
    verbose_name = "Site"

    def ready(self):
        from consultancy import (  # noqa: F401 (checks register themselves)
            cache,
            checks,
            page_links,
            redirects,
        )

        cache.connect()
        page_links.connect()
        redirects.connect()
