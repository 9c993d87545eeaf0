"""
content_changed: sent after content changed without a model save, such as a
bulk publish or unpublish (QuerySet.update sends no post_save). Receivers get
the model as sender and `pks`, the primary keys of the items that changed; or,
for a related list put in a new order (consultancy.relations.set_in_order),
the list's link model as sender and the primary key of the item whose list it is.
`bodies_unlinked=True` says the items' bodies were saved inside
saves_batched() without the links apps add (consultancy.body_links), for
those apps to add now.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

content_changed = Signal()


# Set by saves_batched() for its caller alone (this thread or task), never
# process-wide: saves elsewhere meanwhile keep their per-save side effects.
_saves_batched = ContextVar("saves_batched", default=False)


def saving_in_batch() -> bool:
    """True inside saves_batched(): per-save work on other rows may wait."""
    return _saves_batched.get()


@contextmanager
def saves_batched():
    """
    Many saves in a row (an import): receivers that redo work on *other* rows
    at each save (relinking terms, making cached pages stale) skip it, and
    the caller sends
    content_changed once for every item it saved, after the block.
    """
    token = _saves_batched.set(True)
    try:
        yield
    finally:
        _saves_batched.reset(token)
