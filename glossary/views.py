from django.core.validators import slug_unicode_re
from django.http import Http404
from django.utils.functional import cached_property
from taggit.models import Tag

from consultancy.views import PublishedDetailView, PublishedListView
from glossary.models import ALPHABET, Term
from glossary.search import SearchPaginator, clean_query, search_terms
from glossary.search_log import RESULTS_HEADER
from glossary.structured_data import defined_term_set

# "#" cannot appear in a path, so the bucket for digits and symbols is "0-9".
LETTER_IN_URL = {"#": "0-9"}
LETTER_FROM_URL = {"0-9": "#"}


def letter_url_part(letter):
    return LETTER_IN_URL.get(letter, letter.lower())


def canonical_search(raw):
    """
    The search as its words, one space apart ("  Model  " is "Model"): the
    same results. Case is kept: the search box shows the query back as typed.
    """
    return " ".join(clean_query(raw))


def canonical_tag(raw):
    return raw.strip()[:100] or None


class TermListView(PublishedListView):
    """
    The A–Z index: every letter (linked when it has terms), then one page of
    terms grouped by letter. The same view answers a search (?q=), a tag
    filter (?tag=) and one letter (/glossary/letter/b/).
    """

    model = Term
    paginate_by = 100

    @cached_property
    def query(self):
        return " ".join(clean_query(self.request.GET.get("q", "")))

    def canonical_parameters(self):
        return {**super().canonical_parameters(), "q": canonical_search, "tag": canonical_tag}

    @cached_property
    def tag(self):
        """
        The tag named by ?tag=, or None. Only text that can be a slug is looked
        up: PostgreSQL refuses some other text (NUL) with an error.
        """
        slug = self.request.GET.get("tag", "")
        return Tag.objects.filter(slug=slug).first() if slug_unicode_re.fullmatch(slug) else None

    @cached_property
    def letter(self):
        if "letter" not in self.kwargs:
            return None
        part = self.kwargs["letter"]
        letter = LETTER_FROM_URL.get(part, part.upper())
        if letter not in ALPHABET:
            raise Http404("No such letter.")
        return letter

    def get_paginate_by(self, queryset):
        return 20 if self.query else self.paginate_by

    def get_paginator(self, *args, **kwargs):
        paginator = SearchPaginator if self.query else self.paginator_class
        return paginator(*args, **kwargs)

    def get_queryset(self):
        if self.query:
            return search_terms(self.query)
        terms = Term.objects.index_entries()
        if self.request.GET.get("tag"):
            terms = terms.filter(tags=self.tag) if self.tag else terms.none()
        if self.letter:
            terms = terms.filter(letter=self.letter)
        return terms

    def render_to_response(self, context, **response_kwargs):
        # An unknown tag is "not found": said kindly, but never cached, so that
        # made-up tags in links cannot fill the page cache.
        if context["tag_requested"] and not self.tag:
            response_kwargs.setdefault("status", 404)
        response = super().render_to_response(context, **response_kwargs)
        if self.query:
            # For the search log, cached with the page (glossary/search_log.py).
            response[RESULTS_HEADER] = str(context["paginator"].count)
        return response

    def get_context_data(self, **kwargs):
        used = Term.letters_in_use()
        return super().get_context_data(
            letters=[(letter, letter_url_part(letter), letter in used) for letter in ALPHABET],
            query=self.query,
            # Shown in the search box: only a canonical query gets this far.
            raw_query=self.query,
            searching="q" in self.request.GET,
            tag=self.tag,
            tag_requested=self.request.GET.get("tag", "")[:100],
            letter=self.letter,
            **kwargs,
        )

    def get_breadcrumbs(self):
        crumbs = super().get_breadcrumbs()
        if self.letter:
            label = "Digits and symbols" if self.letter == "#" else self.letter
            crumbs.append((label, self.request.path))
        return crumbs

    def get_structured_data(self):
        return [*super().get_structured_data(), defined_term_set(self.request)]


class TermDetailView(PublishedDetailView):
    model = Term
