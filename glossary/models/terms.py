"""Glossary terms: the model, its reads and the A–Z index."""

import unicodedata

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Exists, Q, Value
from django.db.models.functions import Concat, Lower, Trim
from django.utils import timezone
from django.utils.functional import cached_property

from consultancy.models import (
    PublishableContent,
    PublishableQuerySet,
    Status,
    count_of,
)
from consultancy.prepared import PreparedRead, now_param
from consultancy.relations import OrderedManyToManyField
from glossary.autolink import HAS_ALIASES
from glossary.phrases import (
    MAX_WORDS_IN_A_NAME,
    WORD,
    cleaned_names,
    packed_key,
    packed_keys,
    phrase_key,
    unpacked_keys,
)

SHORT_DEFINITION_MAX_LENGTH = 300
# The A–Z index's letters; "#" files names that begin with a digit or symbol.
ALPHABET = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]
# The text search configuration: English stemming ("models" finds "model").
SEARCH_CONFIG = "english"


def index_letter(name):
    """The A–Z index letter a name is filed under: "#" for anything but A to Z."""
    first = unicodedata.normalize("NFKD", name.strip()[:1]).encode("ascii", "ignore").decode()
    return first.upper() if first.isalpha() else "#"


class TermQuerySet(PublishableQuerySet):
    def with_relation_counts(self):
        """Annotate how many terms, services and technologies each term links to."""
        return self.annotate(
            related_term_count=count_of(Term.related_terms.through, "from_term"),
            service_count=count_of(Term.services.through, "term"),
            technology_count=count_of(Term.technologies.through, "term"),
        )

    def index_entries(self):
        """Published terms with what the A–Z index and search results show."""
        return self.published().only(
            "pk", "slug", "name", "abbreviation", "short_definition", "letter"
        )

    def for_detail_page(self):
        """Also the owner's public name, for "Reviewed by" (no second query)."""
        owner_name = Trim(Concat("owner__first_name", Value(" "), "owner__last_name"))
        return super().for_detail_page().defer("search_vector").annotate(owner_name=owner_name)

    def refresh_search_vectors(self):
        """Recompute the stored search vectors in one UPDATE (PostgreSQL only)."""
        if connections[self.db].vendor != "postgresql":
            return 0
        columns = ("name", "abbreviation", "aliases", "short_definition", "body")
        return self.update(search_vector=weighted_search_vector(*columns))


def weighted_search_vector(name, abbreviation, aliases, short_definition, body):
    """
    The weighted full-text vector (name, abbreviation and aliases A, short
    definition B, body C) as an SQL expression of five values or columns.
    PostgreSQL only: SQLite searches with a plain match and stores no vector.
    """
    return (
        SearchVector(name, abbreviation, aliases, weight="A", config=SEARCH_CONFIG)
        + SearchVector(short_definition, weight="B", config=SEARCH_CONFIG)
        + SearchVector(body, weight="C", config=SEARCH_CONFIG)
    )


class Term(PublishableContent):
    name = models.CharField(
        max_length=120,
        unique=True,
        help_text='The term as readers know it, e.g. "Foundation Model".',
    )
    abbreviation = models.CharField(
        max_length=20,
        blank=True,
        help_text='Optional short form, e.g. "LLM". Shown beside the name.',
    )
    aliases = models.TextField(
        "also known as",
        blank=True,
        help_text=(
            "Other names readers use for this term, one per line: other spellings, "
            "plurals the usual rules miss, “CTA” for “Call To Action”. Auto-linked and "
            "found by search like the name, and shown on the page as “Also known as”."
        ),
    )
    short_definition = models.CharField(
        "short definition",
        max_length=SHORT_DEFINITION_MAX_LENGTH,
        help_text=(
            "One sentence, at most 300 characters. Shown under the name, in lists "
            "and in search results."
        ),
    )
    related_terms = OrderedManyToManyField(
        "self",
        through="RelatedTerm",
        through_fields=("from_term", "to_term"),
        symmetrical=False,
        related_name="related_by",
        blank=True,
        verbose_name="related terms",
        help_text=(
            "Listed on this term's page in this order. One way: the other terms' "
            "pages list what their own editors chose."
        ),
    )
    services = OrderedManyToManyField(
        "services.Service",
        through="TermService",
        blank=True,
        related_name="terms",
        verbose_name="related services",
        help_text="Listed on this term's page in this order.",
    )
    technologies = OrderedManyToManyField(
        "services.Technology",
        through="TermTechnology",
        blank=True,
        related_name="terms",
        verbose_name="related technologies",
        help_text="Listed on this term's page in this order.",
    )
    auto_link = models.BooleanField(
        "link other terms",
        default=True,
        help_text=(
            "Link the first mention of each other glossary term in the In Depth "
            "text to its page. Untick if the links get in the way."
        ),
    )
    linkable = models.BooleanField(
        "link to this term",
        default=True,
        help_text=(
            "Link mentions of this term on other pages to it. Untick for a word too "
            "common to link: it is then never auto-linked anywhere."
        ),
    )
    match_case = models.BooleanField(
        "match case",
        default=False,
        help_text=(
            "Link only mentions written exactly as the name and aliases are, capitals "
            "included: for abbreviations such as “DES” that must not match “des”."
        ),
    )
    letter = models.CharField(
        max_length=1,
        editable=False,
        db_index=True,
        default="#",
        help_text="The index letter: the name's first letter, or # for a digit or symbol.",
    )
    link_key = models.CharField(
        max_length=200,
        editable=False,
        db_index=True,
        default="",
        help_text="The name as auto-linking compares it: words, lower-cased, single-spaced.",
    )
    alias_keys = models.TextField(
        editable=False,
        blank=True,
        default="",
        help_text=(
            "The aliases as auto-linking and validation compare them (like the link "
            'key), each between bars: "|cta|call to action|".'
        ),
    )
    search_vector = SearchVectorField(null=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"is_staff": True},
        related_name="owned_terms",
        help_text=(
            "The staff member who keeps this term right. With a first or last name, "
            'the page says "Reviewed by" them.'
        ),
    )
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        help_text="When the owner should next check the term. Overdue reviews head Content health.",
    )
    cta_heading = models.CharField(
        "call-to-action heading",
        max_length=120,
        blank=True,
        # No angle brackets: the admin shows help text as HTML.
        help_text=(
            'Leave blank for "Need Help With" and the term\'s name, '
            'e.g. "Need Help With Foundation Model?".'
        ),
    )
    cta_text = models.CharField(
        "call-to-action text",
        max_length=300,
        blank=True,
        help_text="One line under the heading. Leave blank for the standard text.",
    )

    objects = TermQuerySet.as_manager()

    class Meta(PublishableContent.Meta):
        ordering = ["name"]
        verbose_name = "glossary term"
        verbose_name_plural = "glossary terms"
        constraints = [
            *PublishableContent.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                name="glossary_term_name_unique_ci",
                violation_error_message="A term with this name already exists.",
            ),
        ]
        indexes = [
            # The A–Z index: which letters have terms, and one letter's terms.
            models.Index(
                fields=["letter", "published_at"],
                condition=Q(status=Status.PUBLISHED),
                name="glossary_term_published_letter",
            ),
            # The few terms with aliases, which each link index reads besides
            # the names its text could mention (glossary.autolink.build_index).
            models.Index(
                fields=["id"],
                condition=HAS_ALIASES,
                name="glossary_term_has_aliases",
            ),
        ]

    @classmethod
    def letters_in_use(cls):
        """The index letters that have at least one published term."""
        row = _letters_in_use.rows(now=timezone.now())
        return (
            {letter for used, letter in zip(row[0], ALPHABET, strict=True) if used}
            if row
            else set()
        )

    def derive_fields(self, *, render_body=True, search_vector=True):
        """
        Also the index letter, the link key and (on PostgreSQL) the search
        vector. A bulk load that updates many vectors at once afterwards
        (TermQuerySet.refresh_search_vectors) passes search_vector=False.
        """
        self.letter = index_letter(self.name)
        self.link_key = phrase_key(self.name)
        self.alias_keys = packed_keys(phrase_key(alias) for alias in self.alias_list)
        # Computed by the database in the same INSERT or UPDATE that writes the
        # text (from the new values, not the row's old columns).
        on_postgresql = connections[router.db_for_write(Term, instance=self)].vendor == "postgresql"
        if search_vector and on_postgresql:
            self.search_vector = weighted_search_vector(
                *(Value(value) for value in (self.name, self.abbreviation, self.aliases)),
                Value(self.short_definition),
                Value(self.body),
            )
        super().derive_fields(render_body=render_body)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The names as stored, so that clean() asks the database about
        # collisions only when an editor changed a name or an alias.
        loaded = dict(zip(field_names, values, strict=False))
        if "link_key" in loaded and "alias_keys" in loaded:
            instance._stored_keys = (loaded["link_key"], unpacked_keys(loaded["alias_keys"]))
        return instance

    def clean(self):
        super().clean()
        self.aliases = "\n".join(self.alias_list)
        self.validate_names()

    def validate_names(self):
        """
        Refuse an alias that is the term's own name, too long to link, or
        another term's name or alias, and a name that is another term's alias:
        each phrase must lead to one term. Compared as auto-linking compares
        (phrase_key), in one query, and only when a name or alias changed.
        """
        name_key = phrase_key(self.name)
        aliases = {phrase_key(alias): alias for alias in self.alias_list}
        errors = {}
        for key, alias in aliases.items():
            if key == name_key:
                errors.setdefault("aliases", []).append(
                    ValidationError(
                        "“%(alias)s” is this term's own name: list only its other names.",
                        code="alias_is_own_name",
                        params={"alias": alias},
                    )
                )
            elif len(WORD.findall(alias)) > MAX_WORDS_IN_A_NAME:
                errors.setdefault("aliases", []).append(
                    ValidationError(
                        "“%(alias)s” has more than %(max)s words: auto-linking matches "
                        "at most %(max)s.",
                        code="alias_too_long",
                        params={"alias": alias, "max": MAX_WORDS_IN_A_NAME},
                    )
                )
        if getattr(self, "_stored_keys", None) != (name_key, list(aliases)):
            for field, error in self._name_collisions(name_key, aliases):
                errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)

    def _name_collisions(self, name_key, aliases):
        """(field, ValidationError) for each phrase another term already has."""
        alias_taken = Q(pk__in=[])
        for key in [name_key, *aliases] if name_key else aliases:
            alias_taken |= Q(alias_keys__contains=packed_key(key))
        # Each side an index can answer (the link key's, the partial index of
        # terms with aliases): the contains tests read only the aliased rows.
        taken = Q(link_key__in=list(aliases)) | (HAS_ALIASES & alias_taken)
        others = Term.objects.exclude(pk=self.pk) if self.pk else Term.objects.all()
        for other in others.filter(taken).only("pk", "name", "link_key", "alias_keys"):
            other_aliases = unpacked_keys(other.alias_keys)
            if name_key in other_aliases:
                yield (
                    "name",
                    ValidationError(
                        "“%(alias)s” is already an alias of the term “%(other)s”.",
                        code="name_is_alias",
                        params={"alias": self.name, "other": other.name},
                    ),
                )
            for key, alias in aliases.items():
                if key == other.link_key:
                    message = "“%(alias)s” is already the name of the term “%(other)s”."
                elif key in other_aliases:
                    message = "“%(alias)s” is already an alias of the term “%(other)s”."
                else:
                    continue
                yield (
                    "aliases",
                    ValidationError(
                        message, code="alias_taken", params={"alias": alias, "other": other.name}
                    ),
                )

    def claimed_phrases(self):
        """
        {key: (phrase, is the name)} for every phrase that must lead to this
        term alone; the importer compares them across a file's rows.
        """
        claimed = {phrase_key(alias): (alias, False) for alias in self.alias_list}
        claimed[phrase_key(self.name)] = (self.name, True)
        return claimed

    @property
    def alias_list(self):
        """The aliases, one name each: single-spaced, blank lines and repeats dropped."""
        return cleaned_names(self.aliases)

    @property
    def display_name(self):
        """The name with its abbreviation, as the page heading shows it."""
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @cached_property
    def owner_name(self):
        """
        The owner's public name for "Reviewed by" ("" without one). The term
        page's read annotates it (for_detail_page(), no second query); a
        draft's preview, whose owner may be another, reads it here.
        """
        return self.owner.get_full_name().strip() if self.owner_id else ""


def _letters_in_use_query():
    # One EXISTS per letter, each a probe of the published-letter index:
    # DISTINCT would read every term. Any one row carries the answers; no row
    # at all means no terms.
    published = Term.objects.published(now=now_param())
    flags = {f"has_{n}": Exists(published.filter(letter=ch)) for n, ch in enumerate(ALPHABET)}
    return Term.objects.order_by().annotate(**flags).values_list(*flags)[:1]


# Every index, letter and search page asks; 27 subqueries are slow to build.
_letters_in_use = PreparedRead(_letters_in_use_query)
