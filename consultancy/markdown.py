"""
Markdown to safe HTML, for every body an editor writes.

Bodies are rendered once, when content is saved, and the HTML is stored: page
views never run Markdown. The output is sanitised with nh3 (an allow-list, so
script, event handlers and javascript: URLs can never get through, whatever an
editor pastes).
"""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The page's own outline is h1 (name) then h2 ("In Depth"): headings inside a
# body start at h3 whatever level the editor typed, so the outline stays ordered.
BODY_TOP_HEADING_LEVEL = 3


class _DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        headings = [el for el in root.iter() if el.tag in {f"h{n}" for n in range(1, 7)}]
        if not headings:
            return
        shift = BODY_TOP_HEADING_LEVEL - min(int(el.tag[1]) for el in headings)
        for el in headings:
            el.tag = f"h{min(int(el.tag[1]) + shift, 6)}"


class _BodyExtension(markdown.extensions.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


_local = threading.local()


def _renderer():
    # Building a Markdown object with its extensions costs more than most
    # conversions: keep one per thread and reset it between uses.
    if not hasattr(_local, "markdown"):
        _local.markdown = markdown.Markdown(
            extensions=["extra", "sane_lists", _BodyExtension()], output_format="html"
        )
    return _local.markdown


def render_markdown(text: str) -> str:
    """Render an editor's Markdown to sanitised HTML."""
    html = _renderer().reset().convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )
