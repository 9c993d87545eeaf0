"""
The benchmark's report: the median of the rounds for every target on every
server, set against the static file and against the issue's targets, as
Markdown, printed and written to bench/results/latest.md (gitignored), ready
to paste into the README.
"""

import statistics

from common import CONFIGS, ROOT, TARGETS, Run

RESULTS_FILE = ROOT / "bench" / "results" / "latest.md"

# The targets (issue 5), printed beside the results.
WARM_TERM_RATIO = 0.5
COLD_TERM_RATIO = 0.15
MAX_QUERIES = 5
SEARCH_P99_MS = 50
GENERATE_SECONDS = 60
TERM_PAGE_BYTES = 40 * 1024
CSS_BYTES = 25 * 1024
ADMIN_QUERIES = 12
ADMIN_MS = 300


def median_run(runs):
    return Run(
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
        requests=sum(r.requests for r in runs),
    )


def mark(ok):
    return "✅" if ok else "❌"


def target_text(key, config, run, ratio, queries):
    """The issue's target for this row, and whether the result meets it."""
    checks = []
    if key == "term" and config == "warm":
        checks.append(
            (f"≥ {WARM_TERM_RATIO}× static, 0 errors", ratio >= WARM_TERM_RATIO and not run.errors)
        )
    if key == "term" and config == "cold":
        checks.append((f"≥ {COLD_TERM_RATIO}× static", ratio >= COLD_TERM_RATIO))
    if key != "static" and queries is not None:
        checks.append((f"≤ {MAX_QUERIES} queries", queries <= MAX_QUERIES))
    if key.startswith(("search", "typo")):
        checks.append((f"p99 < {SEARCH_P99_MS} ms", run.p99_ms < SEARCH_P99_MS))
    return "; ".join(f"{text} {mark(ok)}" for text, ok in checks) or "yardstick"


def plain_text(run, cold_runs):
    """The plain-reads rows have no target: what they show is how far behind cold they are."""
    if not cold_runs or not run.rps:
        return "no target"
    return f"no target; cold does {median_run(cold_runs).rps / run.rps:.2f}× the requests/s"


def yardstick(results):
    """The static file's requests/s: the median of every static run, on every server."""
    return statistics.median(
        run.rps for (_, key), runs in results.items() if key == "static" for run in runs
    )


def build(context, results, info):
    """
    The Markdown report. `results` maps (config, target key) to the Runs of
    every round; `info` is what bench/measure.py printed (pages, with the
    admin's under "admin"); `context` describes the machine and the run.
    """
    static_rps = yardstick(results)
    lines = [
        f"# Benchmark, {context['date']}",
        "",
        f"- Machine: {context['cpu']}, {context['cores']} cores; load average "
        f"{context['load_before']} before, {context['load_after']} after",
        f"- Database: {context['database']}; {info['terms']:,} published terms "
        f"(generated with `generate_content --terms {context['terms']} --seed 1` in "
        f"{context['generate_seconds']:.1f} s; target < {GENERATE_SECONDS} s "
        f"{mark(context['generate_seconds'] < GENERATE_SECONDS)})",
        "- Server: gunicorn, 2 sync workers, production settings; **warm** = "
        "`CACHE_URL=locmem://`, pages requested a few times first; **cold** = "
        "`CACHE_URL=dummy://` (no caching); **cold, plain reads** = cold with "
        "`PREPARED_READS=0` (no PreparedRead: every read compiled on each request), "
        "term, index and letter pages only",
        f"- Load: {context['load']}; {context['rounds']} alternating rounds, median shown "
        "(requests/s range across rounds in brackets), errors summed",
        f"- Term page: {info['term']['name']} ({info['term']['related']} related terms); "
        f"search: “{info['search']['word']}” ({info['search']['results']} results), "
        f"typo “{info['search']['typo']}” ({info['search']['typo_results']} results)",
        f"- Yardstick: the static file at {static_rps:,.0f} requests/s (median of every "
        "static run, warm and cold servers)",
        "",
        "| Target | Server | Requests/s | p50 ms | p99 ms | Errors | × static | Queries "
        "| Issue target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, label, _ in TARGETS:
        for config in CONFIGS:
            runs = results.get((config, key))
            if not runs:
                continue
            run = median_run(runs)
            ratio = run.rps / static_rps if static_rps else 0
            if config == "plain":  # queries are counted with PreparedRead on
                queries, target = None, plain_text(run, results.get(("cold", key)))
            else:
                queries = info["queries"].get(key.removesuffix("-1"))
                target = target_text(key, config, run, ratio, queries)
            spread = f"{min(r.rps for r in runs):,.0f}–{max(r.rps for r in runs):,.0f}"
            lines.append(
                f"| {label} | {CONFIGS[config].label} | {run.rps:,.0f} ({spread}) "
                f"| {run.p50_ms:.1f} | {run.p99_ms:.1f} | {run.errors} | {ratio:.2f}× "
                f"| {'—' if queries is None else queries} | {target} |"
            )
    admin = info["admin"]
    lines += [
        "",
        "Admin changelists, 100 rows a page, in-process for a superuser (median of 5 "
        "requests after a first one):",
        "",
        "| Changelist | Rows in table | Rows shown | ms | Queries | Issue target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, measured in admin["changelists"].items():
        ok_ms, ok_queries = measured["ms"] < ADMIN_MS, measured["queries"] <= ADMIN_QUERIES
        lines.append(
            f"| {label} | {admin['counts'][label]:,} | {measured['shown']} "
            f"| {measured['ms']:.0f} | {measured['queries']} "
            f"| < {ADMIN_MS} ms {mark(ok_ms)}; ≤ {ADMIN_QUERIES} queries {mark(ok_queries)} |"
        )
    term_bytes = info["sizes"]["term"]
    lines += [
        "",
        f"- Page cache seen during warm-up (X-Page-Cache): {context['cache_seen']}",
        f"- Term page HTML: {term_bytes:,} bytes (target < {TERM_PAGE_BYTES // 1024} KB "
        f"{mark(term_bytes < TERM_PAGE_BYTES)}); index {info['sizes']['index']:,} bytes, "
        f"letter page {info['sizes']['letter']:,} bytes, search {info['sizes']['search']:,} bytes",
        f"- CSS: {info['css_bytes']:,} bytes in {len(info['css_files'])} file(s), "
        f"{info['css_gzip_bytes']:,} gzipped (target < {CSS_BYTES // 1024} KB "
        f"{mark(info['css_bytes'] < CSS_BYTES)})",
        f"- Render-blocking scripts in <head>: {info['blocking_scripts']} "
        f"{mark(info['blocking_scripts'] == 0)}",
        "- Queries: counted in-process with Django's test client against the bench "
        "database, caching off, after one request to fill per-process caches.",
        "",
        "Reproduce: `make bench` (bench/README.md).",
    ]
    return "\n".join(lines) + "\n"


def write(markdown):
    """Writes the report to bench/results/latest.md; returns its path, relative to the project."""
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(markdown, encoding="utf-8")
    return RESULTS_FILE.relative_to(ROOT)
