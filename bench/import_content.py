"""
How long `import_content` takes for a large file: ROWS new glossary terms
(each related to two others, with tags, its body naming other terms), into a
fresh SQLite database of its own, then the same file again (nothing to
change). Prints the times; the README's "Bulk import and export" quotes them.

    make bench-import            # 5,000 rows
    make bench-import ROWS=1000
"""

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, say
from servers import manage, project_env


def write_rows(path, count):
    columns = ["type", "slug", "name", "short_definition", "body", "status"]
    columns += ["related_terms", "tags"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for n in range(count):
            related = " ".join(f"bench-{(n + step) % count}" for step in (1, 2))
            near, far = (n + 7) % count, (n + 3) % count
            body = f"Bench term {n} is close to Bench Term {near} and Bench Term {far}."
            writer.writerow(
                ["term", f"bench-{n}", f"Bench Term {n}", f"Definition number {n}.", body,
                 "published", related, "bench nlp"]
            )  # fmt: skip


def timed_import(env, path):
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_content", str(path)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rows", type=int, default=5000)
    rows = parser.parse_args().rows
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        env = project_env(f"sqlite:///{work / 'db.sqlite3'}", TASKS_BACKEND="immediate")
        env["ENQUIRY_NOTIFY_EMAILS"] = "sales@example.com"
        say("Migrating a fresh SQLite database")
        manage(env, "migrate", "--noinput", "-v", "0")
        path = work / "terms.csv"
        write_rows(path, rows)
        first = timed_import(env, path)
        again = timed_import(env, path)
        print(f"\nimport_content, {rows:,} new terms (2 related terms, 2 tags, linked bodies):")
        print(f"  first import: {first:6.1f} s  ({rows / first:,.0f} rows/s)")
        print(f"  same file again (all unchanged): {again:6.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
