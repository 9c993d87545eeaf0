"""README's "Configuration" table lists every environment variable settings.py reads."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The readers of consultancy/settings.py: django-environ's env(...), env.int(...)
# and the rest, and secret(...) for values taken exactly as set.
READERS = re.compile(r"env(\.\w+)?|secret|os\.environ\.get|os\.getenv")


def variables_read_by_settings():
    tree = ast.parse((ROOT / "consultancy" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and READERS.fullmatch(ast.unparse(node.func))
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def variables_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    # The first cell names one variable or several: "`A` / `B`".
    return {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}


def test_settings_reads_variables_and_the_parser_finds_them():
    found = variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "SALES_HOURS", "ENQUIRY_RESPONSE_HOURS"} <= found


def test_every_environment_variable_is_in_the_readme_configuration_table():
    missing = variables_read_by_settings() - variables_in_the_readme_table()
    assert missing == set(), f"Add to README's Configuration table: {sorted(missing)}"


def test_the_variables_added_for_issue_13_have_a_line_in_the_deploy_example():
    example = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    for name in [
        "SALES_TIMEZONE",
        "SALES_HOURS",
        "SALES_HOLIDAYS",
        "ENQUIRY_RESPONSE_HOURS",
        "ENQUIRY_ESCALATION_EMAILS",
        "ENQUIRY_REPLY_PROMISE",
        "ENQUIRY_DUPLICATE_MINUTES",
        "SALES_BOOKING_URL",
    ]:
        assert re.search(rf"^#?{name}=", example, flags=re.MULTILINE), name
