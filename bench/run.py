"""
The site's benchmark (`make bench`; see bench/README.md).

In one run, on this machine: a fresh database (PostgreSQL on 127.0.0.1:5432,
SQLite only if PostgreSQL is unreachable), the 10,000-term corpus from
`generate_content`, then the site under gunicorn (production settings, 2 sync
workers) in three configurations side by side: "warm" (page cache on, pages
requested a few times first), "cold" (CACHE_URL=dummy://, caching off) and
"cold, plain reads" (cold with PREPARED_READS=0, on the pages PreparedRead
serves). Rounds alternate between the configurations and between targets, so
that a busy moment on the machine does not favour one of them, and every
number is set against a 20 KB static file served by WhiteNoise from the same
gunicorn: the fastest thing that server can do.

This is the runner: the database, the servers, the load rounds. What is
measured inside Django (query counts, page sizes, the admin changelists) is
bench/measure.py, run in a child process; the load generators are
bench/loadgen.py, the servers bench/servers.py, the tables bench/report.py.

Only 127.0.0.1 is ever requested and every load run is bounded in time.
Whatever happens (failure, Ctrl-C, SIGTERM), the servers are stopped and the
database dropped.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from datetime import datetime
from pathlib import Path

import report
from common import (
    CONFIGS,
    HOST,
    REFERENCE_NAME,
    ROOT,
    STATIC_ROOT,
    TARGETS,
    banner,
    run_script,
    say,
)
from loadgen import PythonLoad, Wrk, ensure_wrk
from servers import Server, manage, prewarm, project_env, settle

REFERENCE_SIZE = 20 * 1024
PG_PORT = 5432
PG_USER = "postgres"
MEASURE = Path(__file__).resolve().parent / "measure.py"


# --- The database ---------------------------------------------------------------


def postgres_reachable():
    try:
        with socket.create_connection((HOST, PG_PORT), timeout=2):
            pass
        import psycopg

        with psycopg.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres"):
            return True
    except Exception as error:  # any reason at all means: use SQLite
        say(f"PostgreSQL on {HOST}:{PG_PORT} is not usable: {error}")
        return False


def postgres_admin(sql):
    import psycopg

    with psycopg.connect(
        host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as connection:
        result = connection.execute(sql)
        return result.fetchone() if result.description else None


def create_database(stack, force_sqlite):
    """A fresh database, dropped when `stack` closes; returns (DATABASE_URL, description)."""
    if not force_sqlite and postgres_reachable():
        name = f"bench_{datetime.now():%Y%m%d_%H%M%S}_{os.getpid()}"
        postgres_admin(f'CREATE DATABASE "{name}"')
        stack.callback(drop_postgres_database, name)
        version = postgres_admin("SHOW server_version")[0]
        say(f"Database: PostgreSQL {version}, fresh database {name}")
        return f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}", f"PostgreSQL {version}"
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    banner(
        "PostgreSQL is NOT reachable on 127.0.0.1:5432: benchmarking on SQLite instead.\n"
        "These numbers are not comparable with the issue's targets (set on PostgreSQL),\n"
        "and search runs the plain SQLite match, not the full-text index."
    )
    return f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite (PostgreSQL unreachable)"


def drop_postgres_database(name):
    say(f"Dropping database {name}")
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- In-process measurements and the machine ------------------------------------


def measure(env, *args, timeout):
    """Runs bench/measure.py with `args` against the bench database; returns its JSON."""
    what = " ".join(args)
    measured = subprocess.run(
        [sys.executable, str(MEASURE), *args],
        cwd=ROOT, env={**env, "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver"},
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if measured.returncode:
        raise RuntimeError(f"measure.py {what} failed:\n{measured.stderr[-3000:]}")
    return json.loads(measured.stdout.strip().splitlines()[-1])


def machine():
    cpu = "unknown CPU"
    with suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found[1].strip() if found else cpu
    return cpu, os.cpu_count()


def load_average():
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --- Main -----------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator")
    args = parser.parse_args()

    cpu, cores = machine()
    context = {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "cpu": cpu,
        "cores": cores,
        "load_before": load_average(),
        "terms": args.terms,
        "rounds": args.rounds,
    }
    with ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        database_url, context["database"] = create_database(stack, args.sqlite)
        env = project_env(database_url)

        say("\n==> migrate")
        manage(env, "migrate", "--noinput", "-v0")
        say(f"\n==> generate_content --terms {args.terms} --seed 1")
        started = time.perf_counter()
        manage(env, "generate_content", "--terms", str(args.terms), "--seed", "1", timeout=1800)
        context["generate_seconds"] = time.perf_counter() - started
        say(f"generate_content took {context['generate_seconds']:.1f} s")

        say("\n==> collectstatic")
        manage(env, "collectstatic", "--noinput", "-v0")
        reference = STATIC_ROOT / REFERENCE_NAME
        line = b"The quick brown fox jumps over the lazy dog; a yardstick for WhiteNoise.\n"
        reference.write_bytes((line * (REFERENCE_SIZE // len(line) + 1))[:REFERENCE_SIZE])
        stack.callback(reference.unlink, missing_ok=True)

        say("\n==> query counts and page sizes (in-process, caching off)")
        info = measure(env, "pages", timeout=300)
        say(json.dumps(info["queries"]) + f"; term page {info['sizes']['term']:,} bytes")

        if not args.python_load and ensure_wrk():
            load = Wrk(args.threads, args.connections, args.duration)
        else:
            load = PythonLoad(args.connections, args.duration)
            banner(f"Load generator: {load.description}")
        context["load"] = load.description

        servers = {}
        for config, spec in CONFIGS.items():
            servers[config] = Server(config, spec.label, spec.env, database_url, work)
            stack.callback(servers[config].stop)
            servers[config].start()
        paths = {"static": f"/static/{REFERENCE_NAME}", **info["paths"]}
        paths["search-1"] = paths["search"]
        seen = {
            config: prewarm(
                server, {key: paths[key] for key in ("static", *CONFIGS[config].targets)}
            )
            for config, server in servers.items()
        }
        context["cache_seen"] = "; ".join(
            f"{CONFIGS[config].label}: "
            + ", ".join(
                f"{key} {'/'.join(found) or '—'}"
                for key, found in seen[config].items()
                if key != "static"
            )
            for config in servers
        )

        results = {}
        runs = sum(len(spec.targets) for spec in CONFIGS.values())
        say(f"\n==> {args.rounds} rounds × {runs} runs × {args.duration} s")
        width = max(len(spec.label) for spec in CONFIGS.values())
        for round_number in range(1, args.rounds + 1):
            # Alternate which configuration goes first, so neither always follows the other.
            order = list(CONFIGS) if round_number % 2 else list(reversed(CONFIGS))
            for config in order:
                for key, label, connections in TARGETS:
                    if key not in CONFIGS[config].targets:
                        continue
                    run = load.measure(servers[config].url(paths[key]), connections)
                    settle(servers.values(), paths["static"])
                    results.setdefault((config, key), []).append(run)
                    say(
                        f"round {round_number} {CONFIGS[config].label:<{width}} {label:<20} "
                        f"{run.rps:9,.0f} req/s  p50 {run.p50_ms:7.1f} ms  "
                        f"p99 {run.p99_ms:7.1f} ms  errors {run.errors}"
                    )

        context["load_after"] = load_average()
        for server in servers.values():
            server.stop()

        say(f"\n==> admin changelists at {args.terms:,} rows each (in-process)")
        manage(
            env, "generate_content", "--terms", str(args.terms), "--services", str(args.terms),
            "--technologies", str(args.terms), "--seed", "1", "--replace", "-v0", timeout=1800,
        )  # fmt: skip
        info["admin"] = measure(env, "admin", "--rows", str(args.terms), timeout=600)
        markdown = report.build(context, results, info)
        written = report.write(markdown)
        say("\n" + markdown)
        say(f"Written to {written}")


if __name__ == "__main__":
    run_script(main, "Benchmark")
