"""
Auto-linking: the first mention of another published term in a term's
In Depth text links to that term's page, with its short definition as a
tooltip.

Links are computed when content changes (Term.render_body on save, and
relink() for the other terms a change affects: glossary.signals), never on a
page view. Matching is by whole words on a term's name, its aliases, its
abbreviation and simple plurals ("Transformers"): ignoring case, except for
abbreviations and for terms set to match case; the longest match wins. Terms
that are not linkable are never linked. Text inside links, headings, code and
preformatted blocks, and {nolink} passages (consultancy.markdown), is left
alone.

Nothing here depends on whose body is linked: the index holds terms, and a
body of any kind is linked with link_terms().
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.db.models import Q

from consultancy import page_links
from consultancy.links import detail_url
from consultancy.markdown import NO_LINK_END, NO_LINK_MARKS, NO_LINK_START, strip_no_link_marks
from glossary.phrases import (
    MAX_WORDS_IN_A_NAME,
    WORD,
    cleaned_names,
    phrase_key,
    plural_forms,
    singular_forms,
    unpacked_keys,
)

# Text inside these elements is never linked.
SKIPPED_ELEMENTS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_MARKS_AND_TEXT = re.compile(f"({NO_LINK_MARKS.pattern})")


@dataclass(frozen=True)
class LinkTarget:
    pk: int
    slug: str
    name: str
    abbreviation: str
    short_definition: str
    url: str
    aliases: tuple = ()
    match_case: bool = False

    @property
    def names(self):
        return (self.name, *self.aliases)


class TermIndex:
    """Every linkable phrase of the published terms, for word-by-word lookup."""

    def __init__(self, targets):
        self.phrases = {}
        # Phrases of terms that match case, by their words as written.
        self.exact_phrases = {}
        # Every leading run of words of some phrase ("large", "large language"):
        # matching stops as soon as the words so far begin no phrase, so a
        # body costs about one lookup per word however large the glossary.
        self.prefixes = set()
        # Abbreviations match exactly as written ("LLM", "LLMs"), so that a
        # short form does not fire on an ordinary word in lower case.
        self.abbreviations = {}
        for target in targets:
            if target.match_case:
                keys, table = [" ".join(WORD.findall(n)) for n in target.names], self.exact_phrases
            else:
                keys, table = [phrase_key(n) for n in target.names], self.phrases
            for form in (form for key in keys if key for form in plural_forms(key)):
                table.setdefault(form, target)
                words = form.lower().split(" ")
                self.prefixes.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
            if target.abbreviation:
                self.abbreviations.setdefault(target.abbreviation, target)
                self.abbreviations.setdefault(target.abbreviation + "s", target)

    def __len__(self):
        return len(self.phrases) + len(self.exact_phrases) + len(self.abbreviations)

    def match_at(self, words, start):
        """The longest phrase starting at words[start]: (target, word count) or None."""
        found, key, as_written = None, "", ""
        for length in range(1, min(MAX_WORDS_IN_A_NAME, len(words) - start) + 1):
            word = words[start + length - 1].group()
            key = f"{key} {word.lower()}" if key else word.lower()
            as_written = f"{as_written} {word}" if as_written else word
            if key not in self.prefixes:
                break
            target = self.exact_phrases.get(as_written) or self.phrases.get(key)
            if target is not None:
                found = (target, length)
        if found is None and words[start].group() in self.abbreviations:
            found = (self.abbreviations[words[start].group()], 1)
        return found

    def matches(self, text):
        """Each mention in `text`, left to right, longest first: (target, start, end)."""
        words = list(WORD.finditer(text))
        i = 0
        while i < len(words):
            found = self.match_at(words, i)
            if found:
                target, length = found
                yield target, words[i].start(), words[i + length - 1].end()
                i += length
            else:
                i += 1


def render_link(target, text):
    tip_id = f"term-tip-{target.slug}"
    return (
        f'<span class="autolink">'
        f'<a href="{escape(target.url)}" data-term="{target.pk}" '
        f'aria-describedby="{tip_id}">{escape(text, quote=False)}</a>'
        f'<span class="autolink__tip" role="tooltip" id="{tip_id}">'
        f"{escape(target.short_definition, quote=False)}</span></span>"
    )


class _Linker(HTMLParser):
    def __init__(self, index, exclude_pk):
        super().__init__(convert_charrefs=True)
        self.index = index
        self.exclude_pk = exclude_pk
        self.linked = set()
        self.skip_depth = 0
        self.in_no_link = False
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in SKIPPED_ELEMENTS:
            self.skip_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in SKIPPED_ELEMENTS and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data):
        # A {nolink} passage may begin in one element and end in another: its
        # marks are read in document order, whatever the nesting, and dropped.
        for piece in _MARKS_AND_TEXT.split(data):
            if piece == NO_LINK_START:
                self.in_no_link = True
            elif piece == NO_LINK_END:
                self.in_no_link = False
            elif self.skip_depth or self.in_no_link:
                self.out.append(escape(piece, quote=False))
            else:
                self.out.append(self.link_text(piece))

    def link_text(self, text):
        pieces, position = [], 0
        for target, start, end in self.index.matches(text):
            if target.pk != self.exclude_pk and target.pk not in self.linked:
                pieces.append(escape(text[position:start], quote=False))
                pieces.append(render_link(target, text[start:end]))
                position = end
                self.linked.add(target.pk)
        pieces.append(escape(text[position:], quote=False))
        return "".join(pieces)


def link_terms(html, index, exclude_pk=None):
    """
    Return `html` with the first mention of each indexed term linked, and
    without the {nolink} marks (render_markdown(..., keep_no_link_marks=True)).
    """
    if not html or not len(index):
        return strip_no_link_marks(html)
    linker = _Linker(index, exclude_pk)
    linker.feed(html)
    linker.close()
    # Marks can only be in text, which the linker drops; none is left over
    # in an attribute either.
    return strip_no_link_marks("".join(linker.out))


RELINK_BATCH_SIZE = 500
# Relinking up to this many bodies reads only the terms their words could
# name (indexed lookups); more, and one read of every published term is
# cheaper than that many lookups.
FEW_BODIES = 5
LOOKUP_BATCH_SIZE = 2000


def candidates_in(texts):
    """Every run of words in the texts that could be a term's name or abbreviation."""
    phrases, abbreviations = set(), set()
    for text in texts:
        words = WORD.findall(text)
        for word in words:
            abbreviations.update([word, *singular_forms(word)])
        lowered = [word.lower() for word in words]
        for start in range(len(lowered)):
            for end in range(start + 1, min(start + MAX_WORDS_IN_A_NAME, len(lowered)) + 1):
                phrase = " ".join(lowered[start:end])
                phrases.update([phrase, *singular_forms(phrase)])
    return phrases, abbreviations


TARGET_FIELDS = (
    "pk",
    "slug",
    "name",
    "abbreviation",
    "short_definition",
    "aliases",
    "match_case",
    "link_key",
    "alias_keys",
)
HAS_ALIASES = ~Q(alias_keys="")


def link_targets(rows):
    """LinkTargets of rows of TARGET_FIELDS."""
    return (
        LinkTarget(
            pk,
            slug,
            name,
            abbreviation,
            definition,
            detail_url("term", slug),
            tuple(cleaned_names(aliases)),
            match_case,
        )
        for pk, slug, name, abbreviation, definition, aliases, match_case, *_keys in rows
    )


def build_index(published, texts=None):
    """
    The phrases of the `published` terms (a queryset) that may be linked to:
    all of them, or (given `texts`) just those that the texts could mention,
    looked up by their stored link key.
    """
    published = published.filter(linkable=True).order_by()
    if texts is None:
        rows = published.values_list(*TARGET_FIELDS).iterator(chunk_size=2000)
        return TermIndex(link_targets(rows))
    phrases, abbreviations = candidates_in(texts)
    found = {}
    for values, lookup in (
        (sorted(phrases), "link_key__in"),
        (sorted(abbreviations), "abbreviation__in"),
    ):
        for i in range(0, len(values), LOOKUP_BATCH_SIZE):
            condition = Q(**{lookup: values[i : i + LOOKUP_BATCH_SIZE]})
            if i == 0 and lookup == "link_key__in":
                # Aliases are several to a row, out of reach of an IN lookup:
                # the terms that have any come in the same query (a partial
                # index finds them) and stay if the texts could name one.
                condition |= HAS_ALIASES
            rows = published.filter(condition).values_list(*TARGET_FIELDS)
            found.update((row[0], row) for row in rows if _could_be_named(row, phrases, lookup))
    # link_key is phrase_key(name), stored: a name is found exactly when the
    # texts contain it (or its plural) as a run of words; alias_keys likewise.
    return TermIndex(link_targets(found.values()))


def _could_be_named(row, phrases, lookup):
    *_, link_key, alias_keys = row
    if lookup != "link_key__in" or link_key in phrases:
        return True
    return any(key in phrases for key in unpacked_keys(alias_keys))


def mentions_of(terms):
    """A filter for terms whose body names one of `terms` or already links to it."""
    condition = Q(pk__in=[])
    for term in terms:
        condition |= Q(body_html__contains=f'data-term="{term.pk}"')
        for name in (term.name, *cleaned_names(term.aliases)):
            if name:
                condition |= Q(body__icontains=name)
        if term.abbreviation:
            condition |= Q(body__contains=term.abbreviation)
    return condition


def relink(terms, published_terms=None):
    """
    Re-render the bodies of `terms` (a queryset of terms, or of any other
    kind's items) with links to the current terms (`published_terms`, the
    published terms: by default those of the same model), each with the
    model's own render_body(), as a save renders it.
    """
    manager = terms.model.objects
    if published_terms is None:
        published_terms = manager.published()
    has_switch = any(field.name == "auto_link" for field in terms.model._meta.fields)
    terms = terms.only("pk", "body", *(["auto_link"] if has_switch else []))
    few = list(terms[: FEW_BODIES + 1])
    if len(few) <= FEW_BODIES:
        texts = [term.body for term in few if getattr(term, "auto_link", True)]
        index, bodies = build_index(published_terms, texts), few
    else:
        index, bodies = build_index(published_terms), terms.iterator(RELINK_BATCH_SIZE)
    rendered, batch = {}, []
    for term in bodies:
        term.body_html = rendered[term.pk] = term.render_body(link_index=index)
        batch.append(term)
        if len(batch) >= RELINK_BATCH_SIZE:
            _store(manager, batch)
            batch = []
    if batch:
        _store(manager, batch)
    return rendered


def _store(manager, batch):
    """The bodies, and their links in the site's link index (consultancy.page_links)."""
    manager.bulk_update(batch, ["body_html"])
    page_links.record(manager.model, {item.pk: item.body_html for item in batch})
