"""
Who follows an enquiry up: routing rules that sales managers keep, and whether
each Sales user is available to take new enquiries. Applying them is
services/routing.py.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from consultancy.people import user_label

SALES_GROUP = "Sales"
MATCH_MAX_LENGTH = 140
MATCH_KINDS = ("term", "service", "technology", "tag")
MATCH_RE = re.compile(r"(?P<kind>[a-z]+):(?P<slug>[-a-zA-Z0-9_]+)")
MATCH_HELP = (
    "Which enquiries this rule takes, by the contact form's topic: term:<slug>, "
    "service:<slug>, technology:<slug>, tag:<slug> (the page has that tag), or * for any."
)


def validate_match(value):
    """The match must be "*" or "<kind>:<slug>" with a kind the form knows."""
    if value == "*":
        return
    found = MATCH_RE.fullmatch(value or "")
    if not found:
        raise ValidationError(
            "Write * or a topic such as term:<slug>, service:<slug>, technology:<slug> "
            "or tag:<slug> (no spaces).",
            code="invalid_match",
        )
    if found["kind"] not in MATCH_KINDS:
        raise ValidationError(
            "%(kind)r is not a kind of topic: use term, service, technology or tag.",
            code="invalid_match_kind",
            params={"kind": found["kind"]},
        )


def sales_users():
    """Active staff in the Sales group: the people an enquiry may be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=SALES_GROUP)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class RoutingRule(models.Model):
    order = models.PositiveIntegerField(
        default=0, db_index=True, help_text="Rules are tried from the lowest number up."
    )
    match = models.CharField(
        max_length=MATCH_MAX_LENGTH, validators=[validate_match], help_text=MATCH_HELP
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"groups__name": SALES_GROUP, "is_active": True},
        help_text="The Sales user who gets every enquiry this rule takes.",
    )
    team = models.ForeignKey(
        "auth.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=("Or a group: its available Sales members take this rule's enquiries in turn."),
    )
    is_active = models.BooleanField("active", default=True)
    # Round-robin position: the last member of the team this rule gave an
    # enquiry to. Read under select_for_update (services/routing.py).
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "routing rule"
        verbose_name_plural = "routing rules"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(owner__isnull=False, team__isnull=True)
                    | Q(owner__isnull=True, team__isnull=False)
                ),
                name="services_routingrule_owner_or_team",
                violation_error_message="Give either an owner or a team, not both.",
            ),
        ]

    def __str__(self):
        target = user_label(self.owner) if self.owner else self.team
        return f"{self.order}. {self.match} → {target}"

    def get_absolute_url(self):
        return reverse("admin:services_routingrule_change", args=[self.pk])

    def clean(self):
        super().clean()
        if bool(self.owner_id) == bool(self.team_id):
            raise ValidationError(
                "Give either an owner (one person) or a team (taken in turn), not both.",
                code="owner_or_team",
            )

    def matches(self, key, tags):
        """Whether an enquiry about `key` ("term:<slug>", or "") with `tags` is this rule's."""
        if self.match == "*":
            return True
        kind, _, slug = self.match.partition(":")
        if kind == "tag":
            return slug in tags
        return self.match == key


class SalesAvailability(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sales_availability",
        limit_choices_to={"groups__name": SALES_GROUP},
    )
    is_available = models.BooleanField(
        "available",
        default=True,
        help_text="Untick while away: team rules pass over this person until ticked again.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        verbose_name = "sales availability"
        verbose_name_plural = "sales availability"

    def __str__(self):
        return f"{user_label(self.user)}: {'available' if self.is_available else 'away'}"

    def get_absolute_url(self):
        return reverse("admin:services_salesavailability_change", args=[self.pk])
