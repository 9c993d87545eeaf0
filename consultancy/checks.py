"""System checks for configuration that works on one machine but not in production."""

from django.conf import settings
from django.core.checks import Error, Warning, register


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


@register()
def enquiries_reach_someone(app_configs, **kwargs):
    """
    Without recipients every enquiry is saved but nobody hears of it. A regular
    check, not a deploy one: `migrate`, `runserver` and `db_worker` run it too.
    """
    if not settings.DEBUG and not settings.ENQUIRY_NOTIFY_EMAILS:
        return [
            Error(
                "ENQUIRY_NOTIFY_EMAILS is not set: enquiries from the contact form "
                "would be saved but nobody would be told of them.",
                hint="Set ENQUIRY_NOTIFY_EMAILS to the comma-separated addresses of sales.",
                id="consultancy.E001",
            )
        ]
    return []
