"""
The two staff roles. Editors write and publish content; Sales handle enquiries
and may not change content. Give a person a role in the admin under
Authentication › Users › Groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
SALES = "Sales"
CONTENT_MODELS = {
    "glossary": ["term"],
    "services": ["service", "technology"],
    "taggit": ["tag"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this
    # migration needs them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, models in CONTENT_MODELS.items():
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )
    Group.objects.get_or_create(name=SALES)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, SALES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("glossary", "0001_initial"),
        ("services", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
