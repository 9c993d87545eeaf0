"""
Refresh what depends on items that were scheduled and have now gone public.

An item of any registered kind of content (consultancy.content_types) with a
future publication date becomes visible by itself when the date passes, and
cached pages expire at that moment. Links
to it from other terms' In Depth text, though, are stored HTML written when
content is saved. Run this every few minutes (cron or a systemd timer):

    python manage.py refresh_scheduled --minutes 15

Items that went public within the last MINUTES are announced as changed, so
other terms link to them and every cached page is refreshed. Running it more
often than MINUTES is harmless: the work is simply done again.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consultancy import content_types
from consultancy.signals import content_changed


class Command(BaseCommand):
    help = "Refresh links and cached pages for scheduled items that have just gone public."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=15,
            help="Look back this many minutes (default 15; longer than the run interval).",
        )

    def handle(self, *args, minutes, **options):
        if minutes <= 0:
            raise CommandError("--minutes must be a positive number of minutes.")
        since = timezone.now() - timedelta(minutes=minutes)
        for model in (kind.model for kind in content_types.kinds()):
            pks = list(
                model.objects.published()
                .filter(published_at__gt=since)
                .values_list("pk", flat=True)[:10_000]
            )
            if pks:
                content_changed.send(sender=model, pks=pks)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {len(pks)} went public")
