"""
backup_database and restore_database: a backup restored into an empty
database (SQLite or PostgreSQL, whichever the suite runs on) gives back the
site, nothing lost; a database that has tables is never restored into.
"""

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

from glossary.models import Term
from services.models import Enquiry, EnquiryStatus, Service, Technology
from tests.factories import make_enquiry, make_service, make_technology, make_term

PROJECT_DIR = Path(__file__).resolve().parents[2]


def build_site():
    """Content with every kind of relation, tags, and enquiries."""
    term = make_term(
        name="Foundation Model", slug="foundation-model", body="A **large** model.", tags=["LLM"]
    )
    transformer = make_term(name="Transformer", slug="transformer", tags=["LLM", "Architecture"])
    term.related_terms.add(transformer)
    service = make_service(title="Cloud AI", slug="cloud-ai")
    technology = make_technology(name="OpenAI", slug="openai")
    service.technologies.add(technology)
    term.services.add(service)
    term.technologies.add(technology)
    make_enquiry(
        topic=term,
        name="Ada Lovelace",
        email="ada@example.com",
        company="Analytical Engines Ltd",
        message="Héllo — about models: ünïcode too.",
    )
    make_enquiry(status=EnquiryStatus.SPAM, message="Buy now")


def summary():
    """What a restore must give back, as JSON-ready data (also run in the restored site)."""
    return {
        "rows per model": {
            model._meta.label: model._base_manager.count() for model in apps.get_models()
        },
        "migrations applied": MigrationRecorder.Migration.objects.count(),
        "terms": [
            {
                "slug": term.slug,
                "name": term.name,
                "body_html": term.body_html,
                "published_at": str(term.published_at),
                "tags": sorted(term.tags.names()),
                "related": sorted(term.related_terms.values_list("slug", flat=True)),
                "services": sorted(term.services.values_list("slug", flat=True)),
                "technologies": sorted(term.technologies.values_list("slug", flat=True)),
            }
            for term in Term.objects.order_by("slug")
        ],
        "services": [
            (
                service.slug,
                service.title,
                sorted(service.technologies.values_list("slug", flat=True)),
            )
            for service in Service.objects.order_by("slug")
        ],
        "technologies": list(Technology.objects.order_by("slug").values_list("slug", "name")),
        "enquiries": [
            [str(value) for value in row]
            for row in Enquiry.objects.order_by("pk").values_list(
                "name",
                "email",
                "company",
                "message",
                "status",
                "topic_title",
                "term__slug",
                "created_at",
                "notification_status",
            )
        ],
        "groups": {
            group.name: group.permissions.count() for group in Group.objects.order_by("name")
        },
    }


def site_environment(database_url):
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "consultancy.settings",
        "DJANGO_SECRET_KEY": "backup-test-secret-not-for-production",
        "DATABASE_URL": database_url,
        "CACHE_URL": "dummy://",
    }


def manage(database_url, *arguments):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=site_environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


READ_RESTORED_SITE = """
import json, django
django.setup()
from tests.consultancy.test_backups import summary
from tests.factories import make_term
found = summary()
found["new term id"] = make_term().pk
print(json.dumps(found))
"""


def read_restored_site(database_url):
    result = subprocess.run(
        [sys.executable, "-c", READ_RESTORED_SITE],
        cwd=PROJECT_DIR,
        env=site_environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the suite's engine; a PostgreSQL one is dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"ops_restore_test_{secrets.token_hex(4)}"
    server = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            credentials = quote(server["user"]) + (
                f":{quote(server['password'])}" if server["password"] else ""
            )
            yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_loses_nothing(tmp_path, empty_database_url):
    build_site()
    before = json.loads(json.dumps(summary()))
    out = StringIO()
    call_command("backup_database", directory=tmp_path / "backups", stdout=out)
    [backup] = (tmp_path / "backups").iterdir()
    assert f"Backed up the database to {backup}" in out.getvalue()

    restored = manage(empty_database_url, "restore_database", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout

    after = read_restored_site(empty_database_url)
    new_term_id = after.pop("new term id")
    assert after == before
    assert after["terms"][0]["tags"] == ["LLM"]
    assert after["enquiries"][0][3] == "Héllo — about models: ünïcode too."
    # Numbering carries on after the restored rows: new content gets new ids.
    assert new_term_id > max(Term.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_a_whole_file_readable_by_its_owner_only(tmp_path):
    make_term()
    call_command("backup_database", directory=tmp_path, stdout=StringIO())
    [backup] = tmp_path.iterdir()
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    assert re.fullmatch(rf"consultancy-\d{{8}}T\d{{6}}Z{re.escape(suffix)}", backup.name)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    make_term(slug="already-here")
    backup = tmp_path / "backup"
    magic = b"PGDMP" if connection.vendor == "postgresql" else b"SQLite format 3\x00"
    backup.write_bytes(magic + b"\x00" * 100)
    with pytest.raises(CommandError, match=r"is not empty: it has \d+ table"):
        call_command("restore_database", str(backup))
    assert Term.objects.filter(slug="already-here").exists()


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(CommandError, match="neither a PostgreSQL dump"):
        call_command("restore_database", str(not_a_backup))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_engine(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    backup = tmp_path / "backup"
    backup.write_bytes(b"SQLite format 3\x00" if other == "sqlite" else b"PGDMP\x01")
    with pytest.raises(CommandError, match=f"is a {other} backup"):
        call_command("restore_database", str(backup))
