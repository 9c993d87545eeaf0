from django.db import models
from django.db.models.functions import Lower

from consultancy.models import PublishableContent, PublishableQuerySet, count_of
from consultancy.relations import OrderedLink, OrderedManyToManyField

SUMMARY_MAX_LENGTH = 200


class TechnologyQuerySet(PublishableQuerySet):
    def with_relation_counts(self):
        """Annotate how many services and glossary terms link to each technology."""
        return self.annotate(
            service_count=count_of(Service.technologies.through, "technology"),
            term_count=count_of(Technology.terms.through, "technology"),
        )


class ServiceQuerySet(PublishableQuerySet):
    def with_relation_counts(self):
        """Annotate how many technologies and glossary terms each service links to."""
        return self.annotate(
            technology_count=count_of(Service.technologies.through, "service"),
            term_count=count_of(Service.terms.through, "service"),
        )


class Technology(PublishableContent):
    name = models.CharField(
        max_length=120,
        unique=True,
        help_text='The technology as clients search for it, e.g. "Hugging Face Development".',
    )
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="One line, at most 200 characters: what we do with it. Shown in lists.",
    )

    objects = TechnologyQuerySet.as_manager()

    class Meta(PublishableContent.Meta):
        ordering = ["name"]
        verbose_name = "technology"
        verbose_name_plural = "technologies"
        constraints = [
            *PublishableContent.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                name="services_technology_name_unique_ci",
                violation_error_message="A technology with this name already exists.",
            ),
        ]


class Service(PublishableContent):
    title = models.CharField(
        max_length=120,
        unique=True,
        help_text='The service\'s name, e.g. "Custom Model Training & Distillation".',
    )
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="One line, at most 200 characters: what the client gets. Shown in lists.",
    )
    technologies = OrderedManyToManyField(
        Technology,
        through="ServiceTechnology",
        blank=True,
        related_name="services",
        verbose_name="technologies used",
        help_text="Listed on this service's page in this order.",
    )
    order = models.PositiveSmallIntegerField(
        default=100,
        db_index=True,
        help_text="Lower numbers are listed first on the services page.",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta(PublishableContent.Meta):
        ordering = ["order", "title"]
        verbose_name = "service"
        verbose_name_plural = "services"
        constraints = [
            *PublishableContent.Meta.constraints,
            models.UniqueConstraint(
                Lower("title"),
                name="services_service_title_unique_ci",
                violation_error_message="A service with this title already exists.",
            ),
        ]


class ServiceTechnology(OrderedLink):
    # The table of the plain many-to-many relation it replaced (migration 0004).
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="technology_links")
    technology = models.ForeignKey(
        Technology, on_delete=models.CASCADE, related_name="service_links"
    )

    class Meta(OrderedLink.Meta):
        db_table = "services_service_technologies"
        verbose_name = "service's technology"
        verbose_name_plural = "services' technologies"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "technology"], name="services_servicetechnology_once"
            )
        ]
