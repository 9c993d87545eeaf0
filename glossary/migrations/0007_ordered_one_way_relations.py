"""
Related terms, services and technologies keep the order a term's editor gives
them: each plain many-to-many table becomes a link model with an `order`
column (RelatedTerm, TermService, TermTechnology). The tables and their rows
stay where they are (only Django's picture of them changes); existing rows
start at order 0, so pages keep their alphabetical order until an editor
reorders them.

Related terms also become one way. The symmetrical relation stored both
directions as rows, and both stay: every page lists what it listed before.
From now on a term's page lists only what its own editor chose.
"""

import django.db.models.deletion
from django.db import migrations, models

import consultancy.relations


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0006_cta_heading_help_text"),
        ("services", "0004_ordered_technologies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RelatedTerm",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "from_term",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="outgoing_related_links",
                                to="glossary.term",
                            ),
                        ),
                        (
                            "to_term",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="incoming_related_links",
                                to="glossary.term",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "glossary_term_related_terms",
                        "ordering": ["order", "pk"],
                        "verbose_name": "related term",
                        "verbose_name_plural": "related terms",
                        "unique_together": {("from_term", "to_term")},
                    },
                ),
                migrations.CreateModel(
                    name="TermService",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "term",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="service_links",
                                to="glossary.term",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="term_links",
                                to="services.service",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "glossary_term_services",
                        "ordering": ["order", "pk"],
                        "verbose_name": "term's service",
                        "verbose_name_plural": "terms' services",
                        "unique_together": {("term", "service")},
                    },
                ),
                migrations.CreateModel(
                    name="TermTechnology",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "term",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="technology_links",
                                to="glossary.term",
                            ),
                        ),
                        (
                            "technology",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="term_links",
                                to="services.technology",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "glossary_term_technologies",
                        "ordering": ["order", "pk"],
                        "verbose_name": "term's technology",
                        "verbose_name_plural": "terms' technologies",
                        "unique_together": {("term", "technology")},
                    },
                ),
                migrations.AlterField(
                    model_name="term",
                    name="related_terms",
                    field=consultancy.relations.OrderedManyToManyField(
                        blank=True,
                        help_text="Listed on this term's page in this order. One way: the other terms' pages list what their own editors chose.",
                        related_name="related_by",
                        through="glossary.RelatedTerm",
                        through_fields=("from_term", "to_term"),
                        to="glossary.term",
                        verbose_name="related terms",
                    ),
                ),
                migrations.AlterField(
                    model_name="term",
                    name="services",
                    field=consultancy.relations.OrderedManyToManyField(
                        blank=True,
                        help_text="Listed on this term's page in this order.",
                        related_name="terms",
                        through="glossary.TermService",
                        to="services.service",
                        verbose_name="related services",
                    ),
                ),
                migrations.AlterField(
                    model_name="term",
                    name="technologies",
                    field=consultancy.relations.OrderedManyToManyField(
                        blank=True,
                        help_text="Listed on this term's page in this order.",
                        related_name="terms",
                        through="glossary.TermTechnology",
                        to="services.technology",
                        verbose_name="related technologies",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="relatedterm",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="The place in the list: lower numbers first."
            ),
        ),
        migrations.AlterUniqueTogether(name="relatedterm", unique_together=set()),
        migrations.AddConstraint(
            model_name="relatedterm",
            constraint=models.UniqueConstraint(fields=("from_term", "to_term"), name="glossary_relatedterm_once"),
        ),
        migrations.AddField(
            model_name="termservice",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="The place in the list: lower numbers first."
            ),
        ),
        migrations.AlterUniqueTogether(name="termservice", unique_together=set()),
        migrations.AddConstraint(
            model_name="termservice",
            constraint=models.UniqueConstraint(fields=("term", "service"), name="glossary_termservice_once"),
        ),
        migrations.AddField(
            model_name="termtechnology",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="The place in the list: lower numbers first."
            ),
        ),
        migrations.AlterUniqueTogether(name="termtechnology", unique_together=set()),
        migrations.AddConstraint(
            model_name="termtechnology",
            constraint=models.UniqueConstraint(fields=("term", "technology"), name="glossary_termtechnology_once"),
        ),
        migrations.AddConstraint(
            model_name="relatedterm",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_term", models.F("to_term")), _negated=True),
                name="glossary_relatedterm_not_itself",
                violation_error_message="A term cannot be related to itself.",
            ),
        ),
    ]
