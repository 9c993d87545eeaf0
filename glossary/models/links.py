"""
What a term's page lists, in the order its editor gave: related terms (one
way), services and technologies (consultancy.relations.OrderedLink).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from consultancy.relations import OrderedLink
from glossary.models.terms import Term

SELF_RELATION_MESSAGE = "A term cannot be related to itself."


# The link tables keep the names of the plain many-to-many tables they
# replaced (migration 0007), so that existing relations stayed in place.


class RelatedTerm(OrderedLink):
    """A term its editor lists on another term's page: one way, in order."""

    from_term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="outgoing_related_links"
    )
    to_term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="incoming_related_links"
    )

    class Meta(OrderedLink.Meta):
        db_table = "glossary_term_related_terms"
        verbose_name = "related term"
        verbose_name_plural = "related terms"
        constraints = [
            models.UniqueConstraint(
                fields=["from_term", "to_term"], name="glossary_relatedterm_once"
            ),
            models.CheckConstraint(
                condition=~Q(from_term=models.F("to_term")),
                name="glossary_relatedterm_not_itself",
                violation_error_message=SELF_RELATION_MESSAGE,
            ),
        ]


class TermService(OrderedLink):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="service_links")
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="term_links"
    )

    class Meta(OrderedLink.Meta):
        db_table = "glossary_term_services"
        verbose_name = "term's service"
        verbose_name_plural = "terms' services"
        constraints = [
            models.UniqueConstraint(fields=["term", "service"], name="glossary_termservice_once")
        ]


class TermTechnology(OrderedLink):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="technology_links")
    technology = models.ForeignKey(
        "services.Technology", on_delete=models.CASCADE, related_name="term_links"
    )

    class Meta(OrderedLink.Meta):
        db_table = "glossary_term_technologies"
        verbose_name = "term's technology"
        verbose_name_plural = "terms' technologies"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "technology"], name="glossary_termtechnology_once"
            )
        ]


@receiver(m2m_changed, sender=Term.related_terms.through)
def refuse_self_relation(sender, instance, action, pk_set, reverse, model, **kwargs):
    """
    The link table's CHECK constraint refuses a term related to itself; this
    guard says so with a message rather than an IntegrityError, on every path
    that goes through the relation (admin, shell, load_demo, imports).
    """
    if action == "pre_add" and model is Term and instance.pk in pk_set:
        raise ValidationError(SELF_RELATION_MESSAGE, code="related_to_itself")
