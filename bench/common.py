"""
What the benchmark's modules share: where things are, what is measured on
which server, one load run's numbers, printing progress and checks, and
running a script so that it cleans up however it stops.

Nothing here imports Django or another bench module, so that every module
(the runner, the in-process measurements, the report) can import it.
"""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The outage and load scripts reuse the tests' throwaway servers
# (tests/servers.py): the project's root goes on the path, after bench/.
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))
STATIC_ROOT = ROOT / "staticfiles"  # settings.STATIC_ROOT (gitignored)
REFERENCE_NAME = "bench-reference-20k.txt"
HOST = "127.0.0.1"

# (key, label, connections) of what is measured; "static" is the yardstick.
# Search is also measured with one connection: under the full load its p99
# mostly measures the queue in front of two workers, not one visitor's wait.
TARGETS = [
    ("static", "Static file, 20 KB", None),
    ("term", "Term page", None),
    ("index", "Glossary index", None),
    ("letter", "Letter page (B)", None),
    ("search", "Search", None),
    ("typo", "Search with a typo", None),
    ("search-1", "Search, 1 connection", 1),
]
ALL_TARGETS = tuple(key for key, _, _ in TARGETS)


@dataclass(frozen=True)
class Config:
    """One gunicorn server: its label in the report, its environment, what is loaded on it."""

    label: str
    env: dict
    targets: tuple = ALL_TARGETS


# The servers, in the report's order. "plain" is "cold" with PreparedRead off
# (every read built and compiled by the ORM on each request): set beside the
# cold rows it shows what compiling the detail and letter reads once earns.
# It loads only the pages those reads serve, so it adds little to a run.
CONFIGS = {
    "warm": Config("warm", {"CACHE_URL": "locmem://"}),
    "cold": Config("cold", {"CACHE_URL": "dummy://"}),
    "plain": Config(
        "cold, plain reads",
        {"CACHE_URL": "dummy://", "PREPARED_READS": "0"},
        ("term", "index", "letter"),
    ),
}


@dataclass
class Run:
    """One load run's numbers."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def say(message=""):
    print(message, flush=True)


def banner(message):
    line = "!" * 78
    say(f"\n{line}\n{message}\n{line}\n")


def percentile(values, fraction):
    """The value below which `fraction` of `values` fall (0.0 when there are none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


class Checks:
    """What a script promises, each printed as it is checked; `failed` lists what did not hold."""

    def __init__(self):
        self.failed = []
        self.started = time.monotonic()

    def __call__(self, holds, what):
        say(f"  {'ok  ' if holds else 'FAIL'}  {what}")
        if not holds:
            self.failed.append(what)
        return holds

    def verdict(self, name):
        """Prints the outcome and how long the run took; the script's exit status."""
        took = f"{time.monotonic() - self.started:.0f} s"
        if self.failed:
            say(f"\n{name}: {len(self.failed)} check(s) FAILED ({took}):")
            for what in self.failed:
                say(f"  - {what}")
            return 1
        say(f"\n{name}: every check passed ({took}).")
        return 0


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted(f"stopped by signal {signum}")


def run_script(main, name):
    """
    Runs `main()` and exits with its status. SIGTERM and SIGHUP raise, as
    Ctrl-C does, so that the `with` blocks in `main` stop what they started.
    """
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        sys.exit(main())
    except (KeyboardInterrupt, Interrupted) as stop:
        print(f"\n{name} interrupted ({str(stop) or 'Ctrl-C'}); cleaned up.", file=sys.stderr)
        sys.exit(130)
    except (RuntimeError, subprocess.SubprocessError) as error:
        print(f"\n{name} failed: {error}", file=sys.stderr)
        sys.exit(1)
