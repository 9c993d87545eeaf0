"""In Depth bodies: Markdown formatting kept, anything executable removed."""

import pytest

from consultancy.markdown import NO_LINK_END, NO_LINK_START, render_markdown


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold** and *italic*", "<strong>bold</strong> and <em>italic</em>"),
        ("- one\n- two", "<li>one</li>"),
        ("1. first\n2. second", "<ol>"),
        ("[a link](https://example.com)", '<a href="https://example.com">a link</a>'),
        ("Use `code` here", "<code>code</code>"),
        ("```\nblock\n```", "<pre><code>block"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
        ("> quoted", "<blockquote>"),
    ],
)
def test_markdown_formatting_is_kept(markdown, expected):
    assert expected in render_markdown(markdown)


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="/x" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
    ],
)
def test_scripts_and_event_handlers_are_removed(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_headings_start_below_the_pages_own_outline():
    html = render_markdown("# Top\n\n## Sub")
    assert "<h3>Top</h3>" in html
    assert "<h4>Sub</h4>" in html


def test_one_body_leaves_nothing_behind_for_the_next():
    """The renderer is reused between bodies: abbreviations defined in one stay there."""
    first = render_markdown("An LLM writes.\n\n*[LLM]: Large Language Model")
    second = render_markdown("Another LLM writes.")
    assert '<abbr title="Large Language Model">LLM</abbr>' in first
    assert "<abbr" not in second


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Keep {nolink}this{/nolink} plain.", "<p>Keep this plain.</p>"),
        ("{nolink}\n\nA paragraph.\n\n{/nolink}", "<p>A paragraph.</p>"),
        ("Write `{nolink}` to start.", "<p>Write <code>{nolink}</code> to start.</p>"),
        ("Write \\{nolink} to start.", "<p>Write {nolink} to start.</p>"),
        ("Pasted \ue000marks\ue001.", "<p>Pasted marks.</p>"),
    ],
    ids=["inline", "own lines", "in code", "escaped", "pasted marks"],
)
def test_no_link_markers_never_reach_the_html(markdown, expected):
    assert render_markdown(markdown).strip() == expected


def test_no_link_passages_stay_marked_for_a_linker_that_asks():
    html = render_markdown("A {nolink}b{/nolink} c.", keep_no_link_marks=True)
    assert html == f"<p>A {NO_LINK_START}b{NO_LINK_END} c.</p>"
