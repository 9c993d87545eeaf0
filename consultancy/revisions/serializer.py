"""
The format revisions are stored in: Django's JSON, plus the item's tag names
and its ordered relations (consultancy.relations) in their order.

taggit's TaggableManager is not serialised by Django (its through table is
generic), so a revision would lose the tags. Names rather than TaggedItem rows:
a restore sets them by name, recreating a tag deleted since.
"""

from django.core.serializers import json as json_format
from taggit.managers import TaggableManager

from consultancy.relations import is_ordered, pks_in_order

FORMAT = "revision_json"


def tag_fields(model):
    return [field.name for field in model._meta.get_fields() if isinstance(field, TaggableManager)]


class Serializer(json_format.Serializer):
    def handle_m2m_field(self, obj, field):
        # Django leaves out relations with a model of their own; an ordered
        # one is kept as its list of primary keys, first first.
        if is_ordered(field):
            self._current[field.name] = pks_in_order(obj, field.name)
        else:
            super().handle_m2m_field(obj, field)

    def end_object(self, obj):
        for name in tag_fields(type(obj)):
            self._current[name] = sorted(getattr(obj, name).names())
        super().end_object(obj)


class Deserializer(json_format.Deserializer):
    def _handle_object(self, obj):
        model = self._get_model_from_node(obj["model"])
        tags = {
            name: obj["fields"].pop(name) for name in tag_fields(model) if name in obj["fields"]
        }
        for deserialized in super()._handle_object(obj):
            # Beside m2m_data, which reversion's raw revert sets with set_base().
            deserialized.tag_names = tags
            yield deserialized
