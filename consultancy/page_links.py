"""
The link index: which page's body links to which page of the site
(consultancy.BodyLink), kept with the bodies. Whatever renders a body stores
its links here in the same breath: a save (connect(), for every registered
kind) and the bulk relinking (glossary.autolink.relink). Pages and reports
then read links with one query, never by reading bodies.
"""

import re
from html import unescape
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.urls import Resolver404, resolve

from consultancy import content_types
from consultancy.models import BodyLink

_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)


def local_paths(html):
    """The paths of this site that `html` links to, each once, in order."""
    paths = {}
    for href in _HREF.findall(html or ""):
        parts = urlsplit(unescape(href))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.setdefault(parts.path[:500], None)
    return list(paths)


def target_of(path):
    """(kind name, slug, resolves) of a path: the item whose page it is, if any."""
    try:
        match = resolve(path)
    except Resolver404:
        return "", "", False
    for kind in content_types.kinds():
        if match.view_name == kind.detail_url_name and "slug" in match.kwargs:
            return kind.name, match.kwargs["slug"][:120], True
    return "", "", True


def record(model, rendered, using=None):
    """
    Store the links of bodies just rendered: {pk: body_html} of items of
    `model`. One read when no link changed (most saves): rows are only
    deleted and added where the links did.
    """
    if not rendered:
        return
    source_type = ContentType.objects.db_manager(using).get_for_model(model)
    links = BodyLink.objects.using(using).filter(source_type=source_type)
    stored = {}
    for pk, source_id, path in links.filter(source_id__in=list(rendered)).values_list(
        "pk", "source_id", "path"
    ):
        stored[(source_id, path)] = pk
    wanted = {(pk, path) for pk, html in rendered.items() for path in local_paths(html)}
    if gone := [stored[key] for key in stored.keys() - wanted]:
        links.filter(pk__in=gone).delete()
    if new := sorted(wanted - stored.keys()):
        BodyLink.objects.using(using).bulk_create(
            BodyLink(
                source_type=source_type,
                source_id=source_id,
                path=path,
                **dict(
                    zip(("target_kind", "target_slug", "resolves"), target_of(path), strict=True)
                ),
            )
            for source_id, path in new
        )


def _is_kind(model):
    return any(kind.model is model for kind in content_types.kinds())


def _saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw and _is_kind(sender):
        record(sender, {instance.pk: instance.body_html}, using=using)


def _deleted(sender, instance, using=None, **kwargs):
    if _is_kind(sender):
        source_type = ContentType.objects.db_manager(using).get_for_model(sender)
        BodyLink.objects.using(using).filter(
            source_type=source_type, source_id=instance.pk
        ).delete()


def connect():
    post_save.connect(_saved, dispatch_uid="page-links-saved")
    post_delete.connect(_deleted, dispatch_uid="page-links-deleted")
