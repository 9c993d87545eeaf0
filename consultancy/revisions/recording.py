"""
A revision for every save of registered content, wherever it happens.

The admin, an import and a bulk action open a revision block
(reversion.create_revision) and put into it what they changed. Every other
save (the shell, a management command, a script) happens outside one: these
receivers note the item, and when its transaction commits, the items noted in
it are kept as one revision set, one version each, serialised at that moment,
so that relations and tags set after save() are in it. A transaction that
rolls back keeps nothing: Django drops its on_commit callbacks, and with them
the noted items.

Outside a transaction (autocommit, as in `manage.py shell`) every statement
commits on its own: a save() and a tags.add() after it are two revisions,
unless they run inside transaction.atomic().

Bulk writes (bulk_create, QuerySet.update) send no signals and keep no
revision: generate_content relies on it (README, "Revisions").
"""

from contextlib import contextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary

import reversion
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_save

from consultancy.relations import is_ordered
from consultancy.signals import content_changed

COMMENT = "Saved outside the admin"

# Set by kept_as_one_revision() for its caller alone (this thread or task):
# saves elsewhere meanwhile keep their own revisions.
_collected = ContextVar("revisions_collected", default=None)

# The registered models, set by connect().
_models: frozenset = frozenset()


class _Noted:
    """The items whose stored state changed: {model: {pk, …}}."""

    def __init__(self):
        self.pks = {}

    def add(self, model, pks):
        self.pks.setdefault(model, set()).update(pks)


class _AtCommit(_Noted):
    """The items noted in one transaction: one revision set when it commits."""

    def __init__(self, using):
        super().__init__()
        self.using = using
        self.done = False
        # The connection's list of on_commit callbacks this is in (below).
        self.hooks = None

    def __call__(self):
        self.done = True
        write(self.pks, COMMENT, using=self.using)


# One _AtCommit per connection (connections are per thread), while its
# transaction is open.
_pending = WeakKeyDictionary()


def _open(connection):
    """
    The _AtCommit of the connection's current transaction, if it still has
    one. Django replaces the list of on_commit callbacks whenever it drops
    some (a commit, a rollback, a savepoint rolled back): while the list is
    the same, the callback is in it, and after a change one look says.
    """
    noted = _pending.get(connection)
    if noted is None or noted.done:
        return None
    if connection.run_on_commit is not noted.hooks:
        if not any(func is noted for _, func, _ in connection.run_on_commit):
            return None
        noted.hooks = connection.run_on_commit
    return noted


def _note(model, pks, using):
    """Keep a revision of these items once their transaction commits."""
    collected = _collected.get()
    if collected is not None:
        collected.add(model, pks)
        return
    connection = connections[using]
    noted = _open(connection)
    if noted is not None:
        noted.add(model, pks)
        return
    noted = _AtCommit(using)
    noted.add(model, pks)
    _pending[connection] = noted
    # Robust: the content is committed by then, and a revision that cannot be
    # written is logged by Django rather than turned into an error after it.
    transaction.on_commit(noted, using=using, robust=True)
    noted.hooks = connection.run_on_commit


def _item_saved(sender, instance, using, **kwargs):
    # In a revision block its owner decides what goes in (the admin, an import).
    if not reversion.is_active():
        _note(sender, {instance.pk}, using)


def _relation(through, model):
    """The many-to-many field (or tags) of `model` stored in `through`."""
    for field in model._meta.many_to_many:
        if field.remote_field.through is through:
            return field
    return None


# What changes stored relations; pre_clear for the items at the other end,
# which post_clear no longer names.
CHANGES = ("pre_clear", "post_clear", "post_add", "post_remove")


def _relation_changed(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    if reversion.is_active() or action not in CHANGES:
        return
    if action in ("post_add", "post_remove") and not pk_set:
        return  # set() and add() of nothing send the signal too
    # The model that declares the field stores it in its revisions; so does
    # the other end of a symmetrical relation (related terms).
    owner = model if reverse else type(instance)
    field = _relation(sender, owner) if owner in _models else None
    if field is None:
        return  # another model's tags
    others = reverse or (field.remote_field.symmetrical and field.related_model is owner)
    if action == "pre_clear":
        if others:
            manager = getattr(
                instance, field.remote_field.get_accessor_name() if reverse else field.name
            )
            _note(model, set(manager.values_list("pk", flat=True)), using)
        return
    if not reverse:
        _note(owner, {instance.pk}, using)
    if others and pk_set:
        _note(model, pk_set, using)


def write(pks_by_model, comment, user=None, using=DEFAULT_DB_ALIAS):
    """One revision set of the items as they are now (any deleted since left out)."""
    items = [
        item
        for model, pks in pks_by_model.items()
        for item in model._default_manager.using(using).filter(pk__in=pks)
    ]
    if not items:
        return
    with reversion.create_revision(manage_manually=True, using=using):
        for item in items:
            reversion.add_to_revision(item)
        reversion.set_comment(comment)
        if user is not None:
            reversion.set_user(user)


@contextmanager
def kept_as_one_revision(comment, user=None):
    """
    The items saved inside the block, or whose relations or tags change, are
    kept as one revision set when it ends, commented `comment`, within the
    caller's transaction (load_demo, a restore). Nothing is kept if the
    block raises.
    """
    collected = _Noted()
    token = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(token)
    write(collected.pks, comment, user)


def _reordered(owner):
    """A new order alone (relations.set_in_order) sends content_changed, not m2m_changed."""

    def receiver(sender, pks, using=DEFAULT_DB_ALIAS, **kwargs):
        if not reversion.is_active():
            _note(owner, set(pks), using)

    return receiver


def connect(models):
    """Note every save and relation change of `models` (the registered kinds)."""
    global _models
    _models = _models | frozenset(models)
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_item_saved, sender=model, dispatch_uid=f"revisions-saved-{label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relation_changed,
                sender=through,
                dispatch_uid=f"revisions-related-{through._meta.label_lower}",
            )
            if is_ordered(field):
                content_changed.connect(
                    _reordered(model),
                    sender=through,
                    weak=False,
                    dispatch_uid=f"revisions-reordered-{through._meta.label_lower}",
                )
