"""
Delete the webhook delivery log older than DAYS days (README, "Webhooks"):

    python manage.py purge_webhook_deliveries --older-than 90

Run it daily from cron. An enquiry's deliveries also go when the enquiry is
purged; this bounds the log of the enquiries that are kept.
"""

from consultancy.management.purging import OlderThanCommand
from services.webhooks import purge_deliveries


class Command(OlderThanCommand):
    help = "Delete webhook deliveries queued more than DAYS days ago."
    one, many, dated = "webhook delivery", "webhook deliveries", "queued"

    def purge(self, before):
        return purge_deliveries(before)
