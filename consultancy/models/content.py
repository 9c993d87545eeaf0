"""
What glossary terms, services and technologies have in common: a slug, a
publication workflow, tags, SEO fields and a Markdown body.

"Published" is defined here once, as PublishableQuerySet.published(), and every
page, list, sitemap, feed and search uses it.
"""

from urllib.parse import urlencode

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager

from consultancy import body_links, content_types
from consultancy.links import detail_url, url_for
from consultancy.markdown import render_markdown, strip_no_link_marks
from consultancy.models.redirects import Redirect
from consultancy.signals import content_changed

META_DESCRIPTION_LENGTH = 160


def count_of(through, fk_name):
    """
    How many rows of a relation table point at the outer row. A subquery per
    relation, not a JOIN, so that counting several relations at once does not
    multiply rows.
    """
    counted = (
        through.objects.filter(**{fk_name: models.OuterRef("pk")})
        .order_by()
        .values(fk_name)
        .annotate(n=models.Count("*"))
        .values("n")
    )
    return models.functions.Coalesce(models.Subquery(counted), 0)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self, now=None):
        """
        Items the public may see: published, and not scheduled for later.
        `now` may be a consultancy.queries.Param, for a query compiled once.
        """
        # FETCH_PEERS: should a template ever touch a field that was not
        # loaded, it costs one query for the whole list, not one per item.
        return self.filter(
            status=Status.PUBLISHED, published_at__lte=timezone.now() if now is None else now
        ).fetch_mode(models.FETCH_PEERS)

    def scheduled(self, now=None):
        """Items published with a date still to come: public from that moment on."""
        return self.filter(
            status=Status.PUBLISHED, published_at__gt=timezone.now() if now is None else now
        )

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def cards(self):
        """Published items with just what a list shows: name, one line and link."""
        kind = content_types.for_model(self.model)
        fields = ["pk", "slug", kind.title_field, kind.summary_field]
        return self.published().only(*fields, *filter(None, [kind.short_form_field]))

    def for_detail_page(self):
        """
        Without the Markdown source, which the page never shows. What the page
        lists comes in one more query: consultancy.queries.page_relations.
        """
        return self.defer("body")

    def publish(self):
        """Publish every item now, keeping a publication date already set."""
        return self._update_and_announce(
            status=Status.PUBLISHED,
            published_at=models.functions.Coalesce("published_at", models.functions.Now()),
        )

    def unpublish(self):
        # A scheduled item that went public by itself (no write) is recorded
        # as having been public before it is taken down.
        went_public = models.Case(
            models.When(
                Q(status=Status.PUBLISHED, published_at__lte=models.functions.Now()),
                then="published_at",
            )
        )
        return self._update_and_announce(
            status=Status.DRAFT,
            first_published_at=models.functions.Coalesce("first_published_at", went_public),
        )

    def _update_and_announce(self, **values):
        # One transaction: a receiver that fails (the page cache cannot be
        # made stale) undoes the update rather than leave pages out of date.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = self.model.objects.filter(pk__in=pks).update(
                updated_at=timezone.now(), **values
            )
            content_changed.send(sender=self.model, pks=pks)
        return count


class PublishableContent(models.Model):
    slug = models.SlugField(
        "slug",
        max_length=120,
        unique=True,
        help_text="The last part of the page's address. Changing it breaks old links.",
    )
    body = models.TextField(
        "in depth",
        blank=True,
        help_text=(
            "Several paragraphs in Markdown: ## headings, lists, **bold**, links, "
            "`code` and tables. Scripts and raw HTML are removed. Glossary terms "
            "are linked automatically; put {nolink} before and {/nolink} after a "
            "passage to keep it free of links."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published items appear on the site.",
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "Filled in when first published. A future date keeps the page hidden until then."
        ),
    )
    first_published_at = models.DateTimeField(
        "first public",
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "When the item was first public. From then on its address is kept: "
            "a 301 after a rename, a 410 once deleted."
        ),
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    tags = TaggableManager(blank=True, help_text="A comma-separated list of tags.")
    # Changes saved without publishing them (consultancy.drafts): one at most.
    unpublished_changes = GenericRelation("consultancy.Draft")
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The title search engines show. Leave blank to use the name.",
    )
    meta_description = models.CharField(
        max_length=META_DESCRIPTION_LENGTH,
        blank=True,
        help_text=(
            "The snippet search engines show. Leave blank to use the one-line "
            "definition or summary."
        ),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message="A published item needs a publication date.",
            ),
        ]

    def __str__(self):
        return getattr(self, content_types.for_model(self).title_field)

    def save(self, *args, **kwargs):
        self.derive_fields()
        stored = getattr(self, "_stored_address", None)
        if stored is not None and self.first_published_at is None:
            # Public when loaded (a scheduled item goes public with no write).
            self.first_published_at = stored[1]
        if stored is None or stored[0] == self.slug:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic(using=kwargs.get("using") or self._state.db):
                super().save(*args, **kwargs)
                self.record_rename(*stored)
        self._stored_address = (self.slug, self.first_published_at)

    def get_absolute_url(self):
        return detail_url(self._meta.model_name, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The address the item had when loaded, to see a rename at save()
        # without asking the database again.
        loaded = dict(zip(field_names, values, strict=False))
        if {"slug", "status", "published_at", "first_published_at"} <= loaded.keys():
            went_public = loaded["first_published_at"]
            if went_public is None and instance.is_public:
                went_public = loaded["published_at"]
            instance._stored_address = (loaded["slug"], went_public)
        return instance

    @property
    def has_been_public(self):
        return self.first_published_at is not None or self.is_public

    def record_rename(self, old_slug, public_since):
        """
        A renamed item that had been public before this save (`public_since`
        its first time) keeps its old address: it answers a 301 to the new
        one (Redirect.objects.move, no chains). An item that never went live
        (a draft, whatever date it carries, or one scheduled for later) had
        no address anyone could link to.
        """
        if public_since is None:
            return
        kind = self._meta.model_name
        Redirect.objects.using(self._state.db).move(
            detail_url(kind, old_slug), detail_url(kind, self.slug)
        )

    def derive_fields(self, *, render_body=True):
        """
        Compute every stored field that derives from what the editor wrote.
        save() calls it, and so does every path that writes rows without
        save() (bulk loads), so that both store exactly the same. A bulk load
        that renders bodies later, once every item has a primary key to link
        to, passes render_body=False.
        """
        self.stamp_publication_date()
        if render_body:
            self.body_html = self.render_body()

    def render_body(self, link_index=None):
        """
        The In Depth text as sanitised HTML, with the links apps add
        (consultancy.body_links: the glossary's terms); `link_index` when the
        caller renders many bodies against the same terms. The linkers see the
        {nolink} passages marked (consultancy.markdown); the page never does.
        """
        html = render_markdown(self.body, keep_no_link_marks=True)
        return strip_no_link_marks(body_links.apply(self, html, link_index=link_index))

    def stamp_publication_date(self):
        """
        A first publication is dated now (unless an editor scheduled it), and
        the moment an item is first public is kept (first_published_at).
        """
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.first_published_at is None and self.is_public:
            self.first_published_at = self.published_at

    @property
    def summary_text(self) -> str:
        """The one-line text shown under the item's name in lists."""
        return getattr(self, content_types.for_model(self).summary_field)

    def clean(self):
        super().clean()
        self.stamp_publication_date()
        # Shown as one line everywhere: pasted line breaks would break it.
        summary_field = content_types.for_model(self).summary_field
        setattr(self, summary_field, " ".join(self.summary_text.split()))

    @property
    def publication_state(self) -> str:
        """What an editor needs to know at a glance: "Draft", "Scheduled for …" or "Published"."""
        if self.status == Status.DRAFT:
            return "Draft"
        if not self.is_public:
            when = timezone.localtime(self.published_at)
            return f"Scheduled for {when.day} {when:%b %Y, %H:%M}"
        return "Published"

    @property
    def is_public(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def contact_topic(self) -> str:
        """How the contact form names this page as an enquiry's topic: "term:<slug>"."""
        return f"{self._meta.model_name}:{self.slug}"

    def get_contact_url(self) -> str:
        """The contact form, about this page (the "Get in Touch" button)."""
        query = urlencode({"topic": self.contact_topic})
        return f"{url_for('services:contact')}?{query}"

    def get_cta_heading(self) -> str:
        """The call to action's heading; terms may set their own."""
        return getattr(self, "cta_heading", "") or f"Need Help With {self}?"

    def get_admin_url(self) -> str:
        opts = self._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.pk])

    def get_seo_title(self) -> str:
        return self.seo_title or str(self)

    def get_meta_description(self) -> str:
        return self.meta_description or Truncator(self.summary_text).chars(META_DESCRIPTION_LENGTH)
