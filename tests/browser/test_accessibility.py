"""axe-core finds no WCAG 2.0/2.1 level A or AA violation on any page type."""

import pytest

from tests.browser.site_pages import PAGES, open_page

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """
tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
}).then(results => ({
    version: results.testEngine.version,
    violations: results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({
            target: n.target.join(" "),
            html: n.html,
            summary: n.failureSummary,
        })),
    })),
}))
"""


def describe(violations, page_name, url, version):
    lines = [
        f"{len(violations)} axe-core {version} violation(s) of WCAG 2.1 A/AA "
        f"on the {page_name} page ({url}):"
    ]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:300]}")
            summary = " / ".join(line.strip() for line in (node["summary"] or "").splitlines())
            if summary:
                lines.append(f"       {summary[:500]}")
    return "\n".join(lines)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_has_no_wcag_violations(site, new_context, axe_js, page_name):
    # axe is injected as a script, which the site's CSP (rightly) refuses:
    # bypass_csp is for this test only; test_content_security_policy checks CSP.
    page = new_context(bypass_csp=True).new_page()
    open_page(page, page_name)
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    violations = result["violations"]
    assert not violations, describe(violations, page_name, page.url, result["version"])
