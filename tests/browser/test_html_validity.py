"""The W3C Nu HTML checker (vnu.jar) finds no error in the HTML of any page type."""

import json
import subprocess
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.template.loader import render_to_string

from tests.browser.site_pages import PAGES, open_page

pytestmark = pytest.mark.browser

VNU_TIMEOUT_SECONDS = 120
CANARY_HTML = (
    '<!doctype html><html lang="en"><head><title>Canary</title></head>'
    "<body><span><div>A div may not be inside a span.</div></span></body></html>"
)


def run_vnu(vnu_jar, files):
    """Check every file in one run (the JVM start is the slow part); return its messages."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=VNU_TIMEOUT_SECONDS,
        check=False,
    )
    # The report goes to standard error; the exit code only says "some errors".
    try:
        return json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu.jar gave no JSON report (exit code {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


def test_every_page_type_is_valid_html(site, page, vnu_jar, tmp_path):
    saved = {}
    for name in PAGES:
        # The HTML exactly as the server sent it, not the browser's repaired DOM.
        html = open_page(page, name).text()
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        saved[path.resolve()] = (name, page.url)
    # The 500 page cannot be provoked on the live server; Django renders it with no context.
    server_error = tmp_path / "server-error.html"
    server_error.write_text(render_to_string("500.html"), encoding="utf-8")
    saved[server_error.resolve()] = ("server-error", "templates/500.html")
    # A page with a known error proves that the checker really read the files.
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY_HTML, encoding="utf-8")

    errors = defaultdict(list)
    for message in run_vnu(vnu_jar, [canary, *saved]):
        path = Path(unquote(urlparse(message.get("url", "")).path)).resolve()
        errors[saved.get(path, (path.stem, str(path)))].append(message)
    assert errors.pop(("canary", str(canary.resolve())), None), (
        "the Nu HTML checker did not report the error in canary.html: it checked nothing"
    )

    lines = []
    for (name, url), messages in errors.items():
        lines.append(f"{name} page ({url}): {len(messages)} error(s)")
        for message in messages:
            where = f"line {message.get('lastLine', '?')}, column {message.get('firstColumn', '?')}"
            lines.append(f"  - {where}: {message.get('message')}")
            extract = " ".join(message.get("extract", "").split())
            if extract:
                lines.append(f"      {extract[:200]}")
    assert not errors, "The Nu HTML checker found errors:\n" + "\n".join(lines)
