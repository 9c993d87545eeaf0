"""
Ordered relations in the admin (consultancy.relations): the relation's
autocomplete lists the chosen items in the editor's order, and the editor
reorders them by dragging an item, or with the keyboard (an item focused,
Alt and an arrow key). static/admin-editing/ordered-relations.js does the
moving; without JavaScript the order stays as it was, new items last.
"""

from django.contrib.admin import checks, widgets

from consultancy.relations import is_ordered

MOVING_HELP = (
    "To change the order, drag an item onto another, or Tab to it and press Alt with an arrow key."
)


class OrderedAutocompleteSelectMultiple(widgets.AutocompleteSelectMultiple):
    """The chosen items in the order of the value (the admin's widget sorts them by name)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        position = {str(v): n for n, v in enumerate(value)}
        options = groups[0][1]
        options.sort(key=lambda option: position.get(str(option["value"]), len(position)))
        for index, option in enumerate(options):
            option["index"] = str(index)
        return groups

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-ordered"] = "true"
        return attrs

    @property
    def media(self):
        return super().media + widgets.forms.Media(js=["admin-editing/ordered-relations.js"])


class OrderedRelationsChecks(checks.ModelAdminChecks):
    # admin.E013 refuses any many-to-many with a model of its own in `fields`,
    # because the admin cannot edit its extra columns; an ordered relation's
    # one extra column, `order`, is the list's order, which the form edits.
    def _check_field_spec_item(self, obj, field_name, label):
        field = next((f for f in obj.model._meta.many_to_many if f.name == field_name), None)
        if field is not None and is_ordered(field):
            return []
        return super()._check_field_spec_item(obj, field_name, label)


class OrderedRelationsAdminMixin:
    checks_class = OrderedRelationsChecks

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not is_ordered(db_field):
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # The admin's own version returns nothing for a relation with a model
        # of its own; this is its autocomplete branch, in order.
        db = kwargs.get("using")
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = OrderedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=db
            )
            kwargs["help_text"] = " ".join(filter(None, [str(db_field.help_text), MOVING_HELP]))
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(db, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return db_field.formfield(**kwargs)
