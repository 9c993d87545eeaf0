"""
Links added to rendered bodies, by whichever app provides them: the glossary
links the first mention of each published term in any body (terms, services,
technologies…). Apps register a linker in their AppConfig.ready();
PublishableContent.render_body applies every linker, so a kind of content
registered later gets the links without naming the app that makes them.

A linker is `linker(item, html, link_index=None) -> html`; `link_index` is
whatever the linker built once for many bodies, passed back by its caller.
"""

_linkers = []


def register(linker):
    if linker not in _linkers:
        _linkers.append(linker)
    return linker


def apply(item, html, link_index=None):
    for linker in _linkers:
        html = linker(item, html, link_index=link_index)
    return html
