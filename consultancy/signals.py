"""
content_changed: sent after content changed without a model save, such as a
bulk publish or unpublish (QuerySet.update sends no post_save). Receivers get
the model as sender and `pks`, the primary keys of the items that changed.
"""

from django.dispatch import Signal

content_changed = Signal()
