"""Editors add and change redirects and see the missing addresses."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "add_redirect",
    "change_redirect",
    "delete_redirect",
    "view_redirect",
    "view_missingurl",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("consultancy")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="consultancy", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="consultancy", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("consultancy", "0002_redirects_missing_urls")]

    operations = [migrations.RunPython(grant, revoke)]
