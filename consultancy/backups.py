"""
Backing up the database and restoring it (the backup_database and
restore_database commands), for whichever database DATABASES configures:

- PostgreSQL: `pg_dump --format=custom` (compressed; pg_restore can read it
  table by table) and `pg_restore` in a single transaction, so a restore that
  fails leaves the database as empty as it was.
- SQLite: SQLite's online backup, a consistent copy even while the site
  writes; restored the same way, page by page, into the configured file.

A restore goes only into an empty database: mixing a backup with rows that
are already there would give neither the backup nor what was there.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError

POSTGRESQL_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that could not be made, with what to do about it."""


def backup(connection, directory):
    """Write a backup of `connection`'s database into `directory`; return its path."""
    if connection.vendor not in SUFFIXES:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    timestamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"consultancy-{timestamp}{SUFFIXES[connection.vendor]}"
    # Written under another name and renamed when complete, so that a file
    # with a backup's name is always a whole backup.
    partial = target.with_name(f"{target.name}.partial")
    if target.exists():
        raise BackupError(f"{target} already exists; try again in a second.")
    # Created empty first, readable by its owner only: it holds every enquiry.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if connection.vendor == "postgresql":
            pg_dump(connection, partial)
        else:
            sqlite_backup(connection, partial)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def restore(connection, path):
    """Restore the backup at `path` into `connection`'s database, which must be empty."""
    path = Path(path)
    kind = backup_kind(path)
    if kind is None:
        raise BackupError(
            f"{path} is neither a PostgreSQL dump (pg_dump --format=custom) nor a SQLite database."
        )
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup, and the configured database is {connection.vendor}."
        )
    try:
        tables = sorted(connection.introspection.table_names())
    except DatabaseError as error:
        raise BackupError(
            f"Cannot reach the database {database_name(connection)}: {error}"
        ) from error
    if tables:
        raise BackupError(
            f"The database {database_name(connection)} is not empty: it has {len(tables)} "
            f"table(s) ({', '.join(tables[:3])}{', …' if len(tables) > 3 else ''}). A backup "
            "is restored only into an empty database, so that nothing is overwritten or "
            "mixed: create a new database (PostgreSQL: createdb NAME) or choose a new SQLite "
            "file, point DATABASE_URL at it, and restore again."
        )
    if kind == "postgresql":
        pg_restore(connection, path)
    else:
        sqlite_restore(connection, path)


def backup_kind(path):
    """The kind of backup at `path` ("postgresql", "sqlite"), or None, from its first bytes."""
    try:
        with open(path, "rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    if start.startswith(POSTGRESQL_MAGIC):
        return "postgresql"
    if start == SQLITE_MAGIC:
        return "sqlite"
    return None


def database_name(connection):
    settings_dict = connection.settings_dict
    name = str(settings_dict["NAME"])
    return f"{name} on {settings_dict['HOST']}" if settings_dict.get("HOST") else name


# PostgreSQL


def postgresql_client(connection, program):
    """
    The program's path, its connection options and environment. The password
    and TLS options travel in the environment, as Django's dbshell passes
    them to psql (never in the arguments, which anyone can see in `ps`).
    """
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed; it comes with PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client, of the server's major version or newer)."
        )
    settings_dict = connection.settings_dict
    if not settings_dict["NAME"]:
        raise BackupError("The database has no NAME (DATABASE_URL must name the database).")
    options = ["--no-password"]  # fail at once rather than wait at a prompt (cron has no terminal)
    for option, key in (("--username", "USER"), ("--host", "HOST"), ("--port", "PORT")):
        if settings_dict.get(key):
            options += [option, str(settings_dict[key])]
    _, client_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    return executable, options, {**os.environ, **(client_env or {})}


def run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def pg_dump(connection, path):
    executable, options, env = postgresql_client(connection, "pg_dump")
    name = connection.settings_dict["NAME"]
    run([executable, *options, "--format=custom", f"--file={path}", name], env)


def pg_restore(connection, path):
    executable, options, env = postgresql_client(connection, "pg_restore")
    name = connection.settings_dict["NAME"]
    # --no-owner and --no-privileges: the tables belong to whoever restores
    # them, since the roles of the server that was backed up need not exist here.
    run(
        [
            executable,
            *options,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(path),
        ],
        env,
    )
    # pg_restore leaves the planner without statistics until autovacuum runs.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# SQLite


def sqlite_backup(connection, path):
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)
        # One self-contained file, whatever journal the live database keeps.
        destination.execute("PRAGMA journal_mode=DELETE")
        check_sqlite(destination, path)
    finally:
        destination.close()


def sqlite_restore(connection, path):
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check_sqlite(source, path)
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def check_sqlite(database, path):
    try:
        [result] = database.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}.") from error
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}.")
