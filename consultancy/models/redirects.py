"""Old addresses: redirects to where an item now lives, and the addresses still missing."""

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from consultancy.models.counts import DailyCountQuerySet


class RedirectSource(models.TextChoices):
    STAFF = "staff", "Added by staff"
    RENAME = "rename", "A renamed item"
    DELETE = "delete", "A deleted item"


class RedirectQuerySet(models.QuerySet):
    def final_target(self, to):
        """
        Where `to` ends up once every stored redirect is followed: a redirect
        is always one hop. None when following it comes back where it began.
        """
        seen = set()
        while to and to not in seen:
            seen.add(to)
            nxt = self.filter(from_path=to).values_list("to", flat=True).first()
            if nxt is None:
                return to
            to = nxt
        return None if to else ""

    def move(self, old_url, new_url, *, source=RedirectSource.RENAME):
        """
        `old_url` now lives at `new_url` ("" when it is gone): old_url answers
        a permanent redirect (or 410), every redirect that pointed at old_url
        is repointed in one UPDATE, so that none is ever a chain, and a
        redirect from new_url (the item took back an old address) is dropped.
        """
        with transaction.atomic(using=self.db):
            if new_url:
                self.filter(from_path=new_url).delete()
            self.filter(to=old_url).update(to=new_url, updated_at=timezone.now())
            self.update_or_create(
                from_path=old_url,
                defaults={"to": new_url, "permanent": True, "source": source},
            )


class Redirect(models.Model):
    """An old address of the site and where it went (or that it is gone: 410)."""

    from_path = models.CharField(
        "from path",
        max_length=300,
        unique=True,
        help_text="The old address on this site, starting with a slash: /glossary/old-name/.",
    )
    to = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Where visitors go instead: a path on this site (/services/new/) or a full "
            "https:// address. Leave blank to answer “410 Gone”: the page was removed."
        ),
    )
    permanent = models.BooleanField(
        default=True,
        help_text="Permanent (301) tells search engines to use the new address; "
        "untick for a temporary (302) redirect.",
    )
    source = models.CharField(
        "made by", max_length=10, choices=RedirectSource, default=RedirectSource.STAFF
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["from_path"]
        verbose_name = "redirect"
        verbose_name_plural = "redirects"
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_path=models.F("to")),
                name="consultancy_redirect_not_to_itself",
                violation_error_message="A redirect cannot point to its own address.",
            ),
        ]

    def __str__(self):
        return f"{self.from_path} → {self.to or '410 Gone'}"

    def get_absolute_url(self):
        return self.from_path

    @property
    def status_code(self) -> int:
        if not self.to:
            return 410
        return 301 if self.permanent else 302


class MissingUrlQuerySet(DailyCountQuerySet):
    def top(self, limit=100, days=30):
        """
        The most requested missing paths of the last `days` days, with their
        counts; a path redirected since is no longer missing (same query).
        """
        redirected = Redirect.objects.filter(from_path=OuterRef("path"))
        return self.since(days).filter(~Exists(redirected)).totals("path")[:limit]

    def purge(self, days=30):
        return super().purge(days)


class MissingUrl(models.Model):
    """
    How often a path that does not exist was asked for, one row per path per
    day. Nothing about the visitor is kept.
    """

    path = models.CharField(max_length=300)
    day = models.DateField(default=timezone.localdate)
    count = models.PositiveIntegerField(default=1)

    objects = MissingUrlQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = "missing URL"
        verbose_name_plural = "missing URLs"
        constraints = [
            models.UniqueConstraint(
                fields=["path", "day"], name="consultancy_missingurl_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["day"], name="consultancy_missingurl_day")]

    def __str__(self):
        return f"{self.path} ({self.count} on {self.day})"
