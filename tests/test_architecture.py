"""
The shape of the code: the project package never names the apps, and no two
modules import each other (not even inside a function).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("consultancy", "glossary", "services")
APPS = ("glossary", "services")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    """{module name: path} of every module of ours, migrations left out."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(path, known):
    """The project modules a file imports, anywhere in it (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def test_the_project_package_imports_no_app_but_in_urls_and_commands():
    modules = project_modules()
    offenders = {}
    for name, path in modules.items():
        if not name.startswith("consultancy") or name == "consultancy.urls":
            continue
        if name.startswith("consultancy.management.commands."):
            continue
        named = {m for m in imports_of(path, modules) if m.split(".")[0] in APPS}
        if named:
            offenders[name] = sorted(named)
    assert offenders == {}


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    visiting, done = [], set()

    def visit(module):
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for imported in sorted(graph.get(module, ())):
            if cycle := visit(imported):
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        if cycle := visit(module):
            return cycle
    return None


def test_no_two_modules_import_each_other():
    modules = project_modules()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}
    assert find_cycle(graph) is None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, cycle):
    assert find_cycle(graph) == cycle


def test_public_templates_build_links_with_url_for_only():
    """One way to build the site's own links ({% url_for %}); the admin keeps {% url %}."""
    templates = ROOT / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "admin" not in path.parts and "{% url " in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
