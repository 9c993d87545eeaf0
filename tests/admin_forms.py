"""Posting an admin change form back the way an editor would, changing only some fields."""

from django.forms import MultiWidget
from django.urls import reverse


def change_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def form_as_shown(client, item, **changes):
    """The change form's fields as the editor sees them (a draft's, if any), with `changes`."""
    form = client.get(change_url(item)).context["adminform"].form
    data = {}
    for field in form:
        value, widget = field.value(), field.field.widget
        if isinstance(widget, MultiWidget):
            data.update(
                (f"{field.html_name}_{n}", part) for n, part in enumerate(widget.decompress(value))
            )
        elif isinstance(value, bool):
            data.update({field.html_name: "on"} if value else {})
        elif field.name == "tags":
            data[field.html_name] = widget.format_value(value) or ""
        elif value is not None:
            data[field.html_name] = value
    return {**data, **changes}
