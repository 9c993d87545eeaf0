"""
What the benchmark's modules share: where things are, what is measured on
which server, one load run's numbers, and printing progress.

Nothing here imports Django or another bench module, so that every module
(the runner, the in-process measurements, the report) can import it.
"""

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
