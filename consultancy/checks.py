"""System checks for configuration that works on one machine but not in production."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def page_cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The page cache is LocMemCache, which each process keeps for itself: "
                "an edit clears it only in the process that saved it.",
                hint="Set CACHE_URL=redis://host:6379/0 when several processes serve the site.",
                id="consultancy.W001",
            )
        ]
    return []
