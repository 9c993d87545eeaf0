"""
Auto-linking: the first mention of another published term in a term's
In Depth text links to that term's page, with its short definition as a
tooltip.

Links are computed when content changes (Term.render_body on save, and
relink() for the other terms a change affects: glossary.signals), never on a
page view. Matching is by whole words, ignoring case, on a term's name, its
abbreviation and simple plurals ("Transformers"); the longest match wins; text
inside links, headings, code and preformatted blocks is left alone.
"""

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.db.models import Q

from consultancy.links import detail_url
from glossary.phrases import (
    MAX_WORDS_IN_A_NAME,
    WORD,
    phrase_key,
    plural_forms,
    singular_forms,
)

# Text inside these elements is never linked.
SKIPPED_ELEMENTS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class LinkTarget:
    pk: int
    slug: str
    name: str
    abbreviation: str
    short_definition: str
    url: str


class TermIndex:
    """Every linkable phrase of the published terms, for word-by-word lookup."""

    def __init__(self, targets):
        self.phrases = {}
        # Every leading run of words of some phrase ("large", "large language"):
        # matching stops as soon as the words so far begin no phrase, so a
        # body costs about one lookup per word however large the glossary.
        self.prefixes = set()
        # Abbreviations match exactly as written ("LLM", "LLMs"), so that a
        # short form does not fire on an ordinary word in lower case.
        self.abbreviations = {}
        for target in targets:
            for form in plural_forms(phrase_key(target.name)):
                self.phrases.setdefault(form, target)
                words = form.split(" ")
                self.prefixes.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
            if target.abbreviation:
                self.abbreviations.setdefault(target.abbreviation, target)
                self.abbreviations.setdefault(target.abbreviation + "s", target)

    def __len__(self):
        return len(self.phrases) + len(self.abbreviations)

    def match_at(self, words, start):
        """The longest phrase starting at words[start]: (target, word count) or None."""
        found, key = None, ""
        for length in range(1, min(MAX_WORDS_IN_A_NAME, len(words) - start) + 1):
            word = words[start + length - 1].group().lower()
            key = f"{key} {word}" if key else word
            if key not in self.prefixes:
                break
            if key in self.phrases:
                found = (self.phrases[key], length)
        if found is None and words[start].group() in self.abbreviations:
            found = (self.abbreviations[words[start].group()], 1)
        return found


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
        if self.skip_depth:
            self.out.append(escape(data, quote=False))
        else:
            self.out.append(self.link_text(data))

    def link_text(self, text):
        words = list(WORD.finditer(text))
        pieces, position, i = [], 0, 0
        while i < len(words):
            found = self.index.match_at(words, i)
            if found:
                target, length = found
                if target.pk != self.exclude_pk and target.pk not in self.linked:
                    start, end = words[i].start(), words[i + length - 1].end()
                    pieces.append(escape(text[position:start], quote=False))
                    pieces.append(render_link(target, text[start:end]))
                    position = end
                    self.linked.add(target.pk)
                i += length
            else:
                i += 1
        pieces.append(escape(text[position:], quote=False))
        return "".join(pieces)


def link_terms(html, index, exclude_pk=None):
    """Return `html` with the first mention of each indexed term linked."""
    if not html or not len(index):
        return html
    linker = _Linker(index, exclude_pk)
    linker.feed(html)
    linker.close()
    return "".join(linker.out)


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


def _targets(rows):
    return (
        LinkTarget(pk, slug, name, abbreviation, definition, detail_url("term", slug))
        for pk, slug, name, abbreviation, definition in rows
    )


def build_index(published, texts=None):
    """
    The phrases of the `published` terms (a queryset): all of them, or (given
    `texts`) just those that the texts could mention, looked up by their
    stored link key.
    """
    fields = ("pk", "slug", "name", "abbreviation", "short_definition")
    published = published.order_by()
    if texts is None:
        return TermIndex(_targets(published.values_list(*fields).iterator(chunk_size=2000)))
    phrases, abbreviations = candidates_in(texts)
    found = {}
    for values, lookup in (
        (sorted(phrases), "link_key__in"),
        (sorted(abbreviations), "abbreviation__in"),
    ):
        for i in range(0, len(values), LOOKUP_BATCH_SIZE):
            rows = published.filter(**{lookup: values[i : i + LOOKUP_BATCH_SIZE]}).values_list(
                *fields
            )
            found.update((row[0], row) for row in rows)
    # link_key is phrase_key(name), stored: a name is found exactly when the
    # texts contain it (or its plural) as a run of words.
    return TermIndex(_targets(found.values()))


def mentions_of(terms):
    """A filter for terms whose body names one of `terms` or already links to it."""
    condition = Q(pk__in=[])
    for term in terms:
        condition |= Q(body_html__contains=f'data-term="{term.pk}"')
        if term.name:
            condition |= Q(body__icontains=term.name)
        if term.abbreviation:
            condition |= Q(body__contains=term.abbreviation)
    return condition


def relink(terms):
    """
    Re-render the bodies of `terms` (a queryset) with links to the current
    terms, each with the model's own render_body(), as a save renders it.
    """
    manager = terms.model.objects
    terms = terms.only("pk", "body", "auto_link")
    few = list(terms[: FEW_BODIES + 1])
    if len(few) <= FEW_BODIES:
        texts = [term.body for term in few if term.auto_link]
        index, bodies = build_index(manager.published(), texts), few
    else:
        index, bodies = build_index(manager.published()), terms.iterator(RELINK_BATCH_SIZE)
    rendered, batch = {}, []
    for term in bodies:
        term.body_html = rendered[term.pk] = term.render_body(link_index=index)
        batch.append(term)
        if len(batch) >= RELINK_BATCH_SIZE:
            manager.bulk_update(batch, ["body_html"])
            batch = []
    if batch:
        manager.bulk_update(batch, ["body_html"])
    return rendered
