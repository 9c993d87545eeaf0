"""System checks for configuration that works on one machine but not in production."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def page_cache_is_shared(app_configs, **kwargs):
    """
    Without CACHE_URL production shares a file cache between the machine's
    processes; only a per-process cache asked for by name is a mistake there.
    """
    if not settings.DEBUG and settings.CACHE_URL.startswith("locmem:"):
        return [
            Warning(
                "CACHE_URL=locmem:// gives each process a page cache of its own: an edit "
                "clears it only in the process that saved it, and the others keep serving "
                "the old page.",
                hint=(
                    "Leave CACHE_URL unset (a file cache shared by this machine's processes) "
                    "or set CACHE_URL=redis://host:6379/0 when several machines serve the site."
                ),
                id="consultancy.W001",
            )
        ]
    return []
