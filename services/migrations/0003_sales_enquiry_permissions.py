"""
The Sales group may view and change enquiries (status, assignee, notes); it may
not add or delete them. Editors get no permission on enquiries at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SALES = "Sales"
CODENAMES = ["view_enquiry", "change_enquiry"]


def grant_sales(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this
    # migration needs the enquiry ones now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    sales, _ = Group.objects.get_or_create(name=SALES)
    sales.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="services",
            content_type__model="enquiry",
            codename__in=CODENAMES,
        )
    )


def revoke_sales(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=SALES):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="services",
                content_type__model="enquiry",
                codename__in=CODENAMES,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultancy", "0001_staff_groups"),
        ("services", "0002_enquiry"),
    ]

    operations = [migrations.RunPython(grant_sales, revoke_sales)]
