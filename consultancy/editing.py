"""
Editing aids in the admin's content forms, for every kind of content: the
one-line summary as a multi-line field with a live character count (its
limit enforced with a message, never by cutting the text), a preview of the
Markdown body as the page will show it, and a preview of the search result
the SEO fields make.

The counts and previews are static/admin-editing/editing.js: without
JavaScript the form works as before, and the server's validation still
explains any limit.
"""

from django import forms
from django.core.validators import MaxLengthValidator

from consultancy import content_types


def too_long_message(limit):
    # %(show_value)d is filled in by MaxLengthValidator.
    return f"Please keep this to at most {limit} characters (it has %(show_value)d)."


class EditingAidsForm:
    """Mixed into the admin's ModelForm for a kind of content (PublishableAdmin.get_form)."""

    preview_url = ""  # set by the admin: where the body's preview is rendered

    class Media:
        js = ["admin-editing/editing.js"]
        css = {"all": ["admin-editing/editing.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = content_types.for_model(self._meta.model)
        self._summary_field(self.fields.get(kind.summary_field))
        for name in ("seo_title", "meta_description"):
            self._counted(self.fields.get(name))
        if body := self.fields.get("body"):
            body.widget.attrs["data-preview-url"] = self.preview_url
        if (seo_title := self.fields.get("seo_title")) and self.instance.pk:
            # What the search result shows while the SEO title is blank.
            seo_title.widget.attrs["data-default-title"] = str(self.instance)

    @staticmethod
    def _counted(field):
        """A live count against the field's limit, which stays the server's to enforce."""
        if field is None or not field.max_length:
            return
        limit = field.max_length
        # Django adds maxlength, which lets a browser cut pasted text silently.
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-limit"] = str(limit)
        for validator in field.validators:
            if isinstance(validator, MaxLengthValidator):
                validator.message = too_long_message(limit)

    def _summary_field(self, field):
        if field is None:
            return
        field.widget = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
        self._counted(field)
