from django.apps import AppConfig


class ConsultancyConfig(AppConfig):
    name = "consultancy"
    verbose_name = "Site"

    def ready(self):
        from consultancy import cache, checks, redirects  # noqa: F401 (checks register themselves)

        cache.connect()
        redirects.connect()
