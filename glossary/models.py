from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse

from consultancy.models import PublishableContent, PublishableQuerySet, count_of

SHORT_DEFINITION_MAX_LENGTH = 300


class TermQuerySet(PublishableQuerySet):
    def with_relation_counts(self):
        """Annotate how many terms, services and technologies each term links to."""
        return self.annotate(
            related_term_count=count_of(Term.related_terms.through, "from_term"),
            service_count=count_of(Term.services.through, "term"),
            technology_count=count_of(Term.technologies.through, "term"),
        )


class Term(PublishableContent):
    name = models.CharField(
        max_length=120,
        unique=True,
        help_text='The term as readers know it, e.g. "Foundation Model".',
    )
    abbreviation = models.CharField(
        max_length=20,
        blank=True,
        help_text='Optional short form, e.g. "LLM". Shown beside the name.',
    )
    short_definition = models.CharField(
        "short definition",
        max_length=SHORT_DEFINITION_MAX_LENGTH,
        help_text=(
            "One sentence, at most 300 characters. Shown under the name, in lists "
            "and in search results."
        ),
    )
    related_terms = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        verbose_name="related terms",
        help_text="Linked both ways: this term also appears on theirs.",
    )
    services = models.ManyToManyField(
        "services.Service",
        blank=True,
        related_name="terms",
        verbose_name="related services",
    )
    technologies = models.ManyToManyField(
        "services.Technology",
        blank=True,
        related_name="terms",
        verbose_name="related technologies",
    )
    cta_heading = models.CharField(
        "call-to-action heading",
        max_length=120,
        blank=True,
        help_text='Leave blank for "Need Help With <name>?".',
    )
    cta_text = models.CharField(
        "call-to-action text",
        max_length=300,
        blank=True,
        help_text="One line under the heading. Leave blank for the standard text.",
    )

    objects = TermQuerySet.as_manager()
    title_field = "name"
    summary_field = "short_definition"

    class Meta(PublishableContent.Meta):
        ordering = ["name"]
        verbose_name = "glossary term"
        verbose_name_plural = "glossary terms"
        constraints = [
            *PublishableContent.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                name="glossary_term_name_unique_ci",
                violation_error_message="A term with this name already exists.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("glossary:term_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        """The name with its abbreviation, as the page heading shows it."""
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_cta_heading(self):
        return self.cta_heading or f"Need Help With {self.name}?"


SELF_RELATION_MESSAGE = "A term cannot be related to itself."


@receiver(m2m_changed, sender=Term.related_terms.through)
def refuse_self_relation(sender, instance, action, pk_set, reverse, model, **kwargs):
    """
    The auto-created relation table cannot carry a CHECK constraint portably,
    so this guard makes every code path (admin, shell, load_demo) refuse a
    term related to itself; the admin form says the same thing earlier.
    """
    if action == "pre_add" and model is Term and instance.pk in pk_set:
        raise ValidationError(SELF_RELATION_MESSAGE, code="related_to_itself")
