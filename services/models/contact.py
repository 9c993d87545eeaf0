"""
The people who write to us: one Contact per normalised email address, so that
sales see a returning person's earlier enquiries (services/contacts.py).
"""

from django.db import models
from django.utils import timezone

from services.models.enquiry import EMAIL_MAX_LENGTH


def normalise_email(address):
    """
    The address as contacts are keyed: trimmed and lower-cased (the local part
    is case-sensitive in theory, never in practice). Plus-addressing is kept:
    "ada+work@" and "ada@" may be different inboxes, and an access or erasure
    request for one must not reach the other.
    """
    return str(address or "").strip().lower()


class Contact(models.Model):
    email = models.EmailField(
        "email address",
        max_length=EMAIL_MAX_LENGTH,
        unique=True,
        help_text="Trimmed and lower-cased; plus-addressed variants are separate contacts.",
    )
    created_at = models.DateTimeField("first enquiry", default=timezone.now, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = "contact"
        verbose_name_plural = "contacts"

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class DailySummary(models.Model):
    """That the daily summary of held and spam enquiries went out for a day (sent once)."""

    day = models.DateField(unique=True, help_text="The day (site time zone) it summarises.")
    held = models.PositiveIntegerField(default=0)
    spam = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        verbose_name = "daily enquiry summary"
        verbose_name_plural = "daily enquiry summaries"

    def __str__(self):
        return f"Enquiry summary for {self.day:%Y-%m-%d}"
