"""
A service's technologies keep the order its editor gives them: the plain
many-to-many table becomes ServiceTechnology, with an `order` column. The
table and its rows stay where they are (only Django's picture of them
changes), and every existing row starts at order 0, so pages keep their
current, alphabetical order until an editor reorders them.
"""

import django.db.models.deletion
from django.db import migrations, models

import consultancy.relations


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_sales_enquiry_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ServiceTechnology",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="technology_links",
                                to="services.service",
                            ),
                        ),
                        (
                            "technology",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="service_links",
                                to="services.technology",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "services_service_technologies",
                        "ordering": ["order", "pk"],
                        "verbose_name": "service's technology",
                        "verbose_name_plural": "services' technologies",
                        "unique_together": {("service", "technology")},
                    },
                ),
                migrations.AlterField(
                    model_name="service",
                    name="technologies",
                    field=consultancy.relations.OrderedManyToManyField(
                        blank=True,
                        help_text="Listed on this service's page in this order.",
                        related_name="services",
                        through="services.ServiceTechnology",
                        to="services.technology",
                        verbose_name="technologies used",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="servicetechnology",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="The place in the list: lower numbers first."
            ),
        ),
        migrations.AlterUniqueTogether(name="servicetechnology", unique_together=set()),
        migrations.AddConstraint(
            model_name="servicetechnology",
            constraint=models.UniqueConstraint(
                fields=("service", "technology"), name="services_servicetechnology_once"
            ),
        ),
    ]
