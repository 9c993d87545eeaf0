"""Drafts of live content: a published item's changes, saved but not published."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class DraftQuerySet(models.QuerySet):
    def _of(self, model, object_id):
        # By the model's name: no content type is read first.
        opts = model._meta
        return self.filter(
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
            object_id=object_id,
        )

    def for_item(self, item):
        """The draft of `item`, if it has one."""
        return self._of(type(item), item.pk)

    def exists_for(self, model):
        """Per row of `model` (as an annotation): whether it has a draft."""
        return models.Exists(self._of(model, models.OuterRef("pk")))


class Draft(models.Model):
    """
    Changes to a published item, saved without changing its page: the
    change form's values, until an editor publishes or discards them
    (consultancy.drafts).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(
        default=dict, help_text="The change form's values: fields, related items' keys, tags."
    )
    created_at = models.DateTimeField("unpublished changes since", auto_now_add=True)
    updated_at = models.DateTimeField("last saved", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="last saved by",
    )

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "draft of changes"
        verbose_name_plural = "drafts of changes"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="consultancy_draft_one_per_item"
            )
        ]

    def __str__(self):
        return f"Unpublished changes to {self.content_type.name} #{self.object_id}"
