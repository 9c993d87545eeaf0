import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from consultancy import links

register = template.Library()

# As in Django's json_script: these cannot then close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(items):
    """One JSON-LD script element per dict. A data block, not executed: CSP allows it."""
    if isinstance(items, dict):
        items = [items]
    return mark_safe(
        "".join(
            format_html(
                '<script type="application/ld+json">{}</script>',
                mark_safe(json.dumps(item, ensure_ascii=False).translate(_JSON_ESCAPES)),
            )
            for item in items or ()
        )
    )


@register.simple_tag
def url_for(name, **kwargs):
    """Like {% url %}, reversed once per process (consultancy.links)."""
    return links.url_for(name, **kwargs)
