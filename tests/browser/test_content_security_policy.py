"""Every page type sends a strict Content-Security-Policy and nothing on it breaks it."""

import pytest

from tests.browser.site_pages import PAGES, open_page

pytestmark = pytest.mark.browser


def directives(policy):
    """{"script-src": ["'self'", ...], ...} from a Content-Security-Policy header."""
    parsed = {}
    for directive in policy.split(";"):
        words = directive.split()
        if words:
            parsed.setdefault(words[0].lower(), words[1:])
    return parsed


@pytest.mark.parametrize("page_name", PAGES)
def test_page_sends_a_csp_and_breaks_none_of_it(site, page, page_name):
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = open_page(page, page_name)

    policy = response.headers.get("content-security-policy")
    assert policy, f"{page.url} has no Content-Security-Policy header"
    # A policy that allows inline code would make the console check below moot.
    parsed = directives(policy)
    for directive in ("script-src", "style-src"):
        sources = parsed.get(directive) or parsed.get("default-src") or []
        loose = {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(sources)
        assert not loose, f"{page.url}: {directive} allows {sorted(loose)}: {policy}"

    violations = [text for text in errors if "Content Security Policy" in text]
    assert not violations, f"CSP violations on {page.url}:\n" + "\n".join(
        f"- {text}" for text in violations
    )
