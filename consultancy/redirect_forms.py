"""
The rules a redirect must follow, for the admin and import_redirects alike.

A redirect is always one hop. A target that is itself a redirected address
is resolved to where that one ends up (and the editor is told), rather than
refused: the editor's intent is clear and the result is what they would have
typed. A redirect that leads back to its own address is a loop and refused.
Redirects that pointed at the new redirect's address are repointed when it
is saved, so no chain appears that way either.
"""

from django import forms
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from consultancy.models import Redirect, RedirectSource


def _is_site_path(value):
    return value.startswith("/") and not value.startswith("//")


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["from_path", "to", "permanent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolved_from = None

    def clean_from_path(self):
        path = self.cleaned_data["from_path"].strip()
        if not _is_site_path(path) or "?" in path or "#" in path or " " in path:
            raise forms.ValidationError(
                "Enter an address on this site starting with a slash, such as "
                "/glossary/old-name/, without a ? query or # part.",
                code="invalid_from_path",
            )
        return path

    def clean_to(self):
        to = self.cleaned_data["to"].strip()
        if not to or _is_site_path(to):
            return to
        try:
            URLValidator(schemes=["http", "https"])(to)
        except forms.ValidationError:
            raise forms.ValidationError(
                "Enter a path on this site starting with a slash (/services/new/) or a "
                "full address starting with https://.",
                code="invalid_to",
            ) from None
        return to

    def clean(self):
        cleaned_data = super().clean()
        from_path, to = cleaned_data.get("from_path"), cleaned_data.get("to")
        if from_path is None or not to:
            return cleaned_data
        others = Redirect.objects.exclude(pk=self.instance.pk)
        final = others.final_target(to)
        if final is None or final == from_path:
            raise forms.ValidationError(
                "This redirect would go round in a loop: following %(to)s leads back to "
                "%(from_path)s. Point it at the page's current address instead.",
                code="redirect_loop",
                params={"to": to, "from_path": from_path},
            )
        if final != to:
            self.resolved_from = to
            cleaned_data["to"] = final
        return cleaned_data

    def save(self, commit=True):
        redirect = super().save(commit=False)
        if not redirect.pk:
            redirect.source = RedirectSource.STAFF
        if commit:
            with transaction.atomic():
                redirect.save()
                # Whatever pointed here now goes straight to the new target.
                Redirect.objects.exclude(pk=redirect.pk).filter(to=redirect.from_path).update(
                    to=redirect.to, updated_at=timezone.now()
                )
        return redirect
