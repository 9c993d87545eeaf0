"""
Markdown to safe HTML, for every body an editor writes.

Bodies are rendered once, when content is saved, and the HTML is stored: page
views never run Markdown. The output is sanitised with nh3 (an allow-list, so
script, event handlers and javascript: URLs can never get through, whatever an
editor pastes).

`{nolink}…{/nolink}` marks a passage that auto-linking must leave alone. The
renderer turns the two markers into private-use characters, which Markdown
and nh3 keep as plain text wherever the passage goes (across paragraphs,
inside a table cell); a linker reads them and drops them, and a body that is
not linked has them dropped here. In code, or escaped (`\\{nolink}`), a
marker is just text.
"""

import re
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

NO_LINK_START, NO_LINK_END = "\ue000", "\ue001"
NO_LINK_MARKS = re.compile(f"[{NO_LINK_START}{NO_LINK_END}]")
# A marker on a line of its own becomes a paragraph of its own: keep the
# mark, not the empty paragraph.
_MARK_ALONE = re.compile(rf"<p>\s*([{NO_LINK_START}{NO_LINK_END}])\s*</p>\n?")


class _DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        headings = [el for el in root.iter() if el.tag in {f"h{n}" for n in range(1, 7)}]
        if not headings:
            return
        shift = BODY_TOP_HEADING_LEVEL - min(int(el.tag[1]) for el in headings)
        for el in headings:
            el.tag = f"h{min(int(el.tag[1]) + shift, 6)}"


class _NoLinkMarkers(markdown.inlinepatterns.InlineProcessor):
    def handleMatch(self, m, data):
        return (NO_LINK_END if m.group(1) else NO_LINK_START), m.start(0), m.end(0)


class _BodyExtension(markdown.extensions.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)
        # Below code spans (190) and escapes (180): a marker there stays text.
        md.inlinePatterns.register(_NoLinkMarkers(r"\{(/?)nolink\}", md), "no_link", 170)


_local = threading.local()


def _renderer():
    # Building a Markdown object with its extensions costs more than most
    # conversions: keep one per thread and reset it between uses.
    if not hasattr(_local, "markdown"):
        _local.markdown = markdown.Markdown(
            extensions=["extra", "sane_lists", _BodyExtension()], output_format="html"
        )
    return _local.markdown


def render_markdown(text: str, *, keep_no_link_marks: bool = False) -> str:
    """
    Render an editor's Markdown to sanitised HTML. With keep_no_link_marks,
    the {nolink} passages stay marked (NO_LINK_START, NO_LINK_END) for a
    linker, which must drop the marks (strip_no_link_marks).
    """
    # Marks come from markers only, never from pasted characters.
    source = NO_LINK_MARKS.sub("", text or "")
    html = nh3.clean(
        _renderer().reset().convert(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )
    html = _MARK_ALONE.sub(r"\1", html)
    return html if keep_no_link_marks else strip_no_link_marks(html)


def strip_no_link_marks(html: str) -> str:
    return NO_LINK_MARKS.sub("", html)
