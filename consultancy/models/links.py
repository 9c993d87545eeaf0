"""The site's link index: links in rendered bodies to pages of the site."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class BodyLink(models.Model):
    """
    One link in the rendered body of an item to a page of this site (an
    auto-link to a term, or a link an editor wrote): the site's link index,
    rebuilt whenever a body is rendered (consultancy.page_links). "Mentioned
    in", orphans and broken links (Content health) read it, never the bodies.
    """

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    path = models.CharField(max_length=500, help_text="The link's path on this site.")
    # The item the path is the page of, as the registry names it ("term"), or
    # blank for another page (the contact form) or a path nothing answers.
    target_kind = models.CharField(max_length=40, blank=True)
    target_slug = models.CharField(max_length=120, blank=True)
    resolves = models.BooleanField(
        default=True, help_text="Whether some page of the site answers the path."
    )

    class Meta:
        ordering = ["source_type", "source_id", "path"]
        verbose_name = "link in a body"
        verbose_name_plural = "links in bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "path"], name="consultancy_bodylink_once"
            )
        ]
        indexes = [models.Index(fields=["target_kind", "target_slug"])]

    def __str__(self):
        return f"{self.source_type.name} #{self.source_id} → {self.path}"
