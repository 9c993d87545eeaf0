"""
Enquiries deleted before services.retention.forget_in_admin_log existed left
their admin log entries naming the person (an enquiry's str() is its sender's
name). Those entries now name the enquiry by number, as later deletions do.
"""

from django.db import migrations
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat


def forget_deleted_enquiries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    Enquiry = apps.get_model("services", "Enquiry")
    content_type = ContentType.objects.filter(app_label="services", model="enquiry").first()
    if content_type is None:
        return  # a new database: no enquiry was ever logged
    existing = Enquiry.objects.annotate(text_id=Cast("pk", CharField())).values("text_id")
    LogEntry.objects.filter(content_type=content_type).exclude(object_id__in=existing).update(
        object_repr=Concat(Value("Enquiry #"), F("object_id"), output_field=CharField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0009_first_published_at"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_deleted_enquiries, migrations.RunPython.noop)]
