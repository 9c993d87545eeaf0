"""The glossary's sections of the content health page (consultancy.content_health)."""

from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from consultancy import content_types
from consultancy.content_health import Row, Section, counted, item_rows, per_kind, register
from consultancy.models import BodyLink
from consultancy.people import user_label
from glossary.autolink import TARGET_FIELDS, TermIndex, link_targets
from glossary.models import RelatedTerm, SearchLogEntry, Term, TermService, TermTechnology

# Draft terms looked for in published text: the most recently changed.
DRAFT_TERMS_LOOKED_FOR = 50
# Bodies of each kind whose text holds a draft's name somewhere, read to find
# those that name it as a word: a bound, so the page stays one read per kind.
DRAFT_CANDIDATES = 500
SEARCH_DAYS = 30


def _leading_nowhere(limit):
    """Terms that name no service and no technology: a reader of them cannot go on to us."""
    services = TermService.objects.filter(term=OuterRef("pk"))
    technologies = TermTechnology.objects.filter(term=OuterRef("pk"))
    queryset = Term.objects.filter(~Exists(services), ~Exists(technologies)).order_by("name")
    return item_rows(queryset, lambda term: term.publication_state, limit)


def _orphans(limit):
    """
    Published terms no other page leads to: no other body links to them, no
    other term lists them as related, no service or technology page lists them.
    """
    term_type = {"source_type__app_label": "glossary", "source_type__model": "term"}
    linked = BodyLink.objects.filter(target_kind="term", target_slug=OuterRef("slug")).exclude(
        **term_type, source_id=OuterRef("pk")
    )
    related = RelatedTerm.objects.filter(to_term=OuterRef("pk"))
    listed = [model.objects.filter(term=OuterRef("pk")) for model in (TermService, TermTechnology)]
    queryset = (
        Term.objects.published()
        .filter(~Exists(linked), ~Exists(related), *(~Exists(one) for one in listed))
        .order_by("name")
    )
    return item_rows(queryset, lambda term: "no link or listing leads here", limit)


def _draft_terms():
    """The latest linkable draft terms, as auto-linking will know them once published."""
    drafts = Term.objects.drafts().filter(linkable=True).order_by("-updated_at")
    return list(link_targets(drafts.values_list(*TARGET_FIELDS)[:DRAFT_TERMS_LOOKED_FOR]))


def _draft_mentions(limit):
    """
    Published text that names a draft term: the words stay unlinked until it
    is published. SQL finds the bodies holding a name anywhere (any case, in
    any word); auto-linking's own matcher then keeps those that name it as
    it will link it: whole words, aliases and plurals, abbreviations as written.
    """
    drafts = _draft_terms()
    index = TermIndex(drafts)
    # With no draft, still one query: Django runs none for `pk__in=[]`,
    # and the page is to cost the same queries whatever it finds.
    condition = Q(pk__isnull=True)
    for target in drafts:
        for name in (*target.names, target.abbreviation):
            if name:
                condition |= Q(body__icontains=name)

    def read_kind(kind, limit):
        queryset = kind.model.objects.published().filter(condition)
        if any(field.name == "auto_link" for field in kind.model._meta.fields):
            queryset = queryset.filter(auto_link=True)
        fields = ("pk", kind.title_field, "body")
        _, candidates = counted(queryset.only(*fields).order_by(kind.title_field), DRAFT_CANDIDATES)
        rows = []
        for item in candidates:
            named = sorted({target.name for target, *_ in index.matches(item.body)})
            if named:
                note = "names the draft term " + ", ".join(f"“{name}”" for name in named)
                rows.append(Row(str(item), item.get_admin_url(), note))
        return len(rows), rows[:limit]

    return per_kind(read_kind, limit)


def _broken_links(limit):
    """
    Links in bodies to pages that are missing or not published: one read per
    kind, naming each linking item by a subquery, so the page costs the same
    queries whichever kinds hold broken links (a prefetch of the link's
    GenericForeignKey would cost one more per kind found).
    """
    broken = Q(resolves=False)
    for kind in content_types.kinds():
        published = kind.model.objects.published().values("slug")
        broken |= Q(target_kind=kind.name) & ~Q(target_slug__in=published)

    def read_kind(kind, limit):
        opts = kind.model._meta
        source = kind.model.objects.filter(pk=OuterRef("source_id")).values(kind.title_field)
        links = (
            BodyLink.objects.filter(
                broken, source_type__app_label=opts.app_label, source_type__model=opts.model_name
            )
            .annotate(source_title=Subquery(source))
            .filter(source_title__isnull=False)
            .order_by("source_title", "source_id", "path")
        )
        count, found = counted(links, limit)
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        rows = [
            Row(
                link.source_title,
                reverse(change, args=[link.source_id]),
                f"links to {link.path}: "
                + ("nothing answers it" if not link.resolves else "not published, or gone"),
            )
            for link in found
        ]
        return count, rows

    return per_kind(read_kind, limit)


def _search_rows(entries, limit):
    """(how many different searches, the most frequent) of search log entries."""
    glossary = reverse("glossary:term_list")
    rows = [
        Row(query, f"{glossary}?{urlencode({'q': query})}", f"{total} searches")
        for query, total in entries.top(days=SEARCH_DAYS, limit=limit)
    ]
    count = entries.since(SEARCH_DAYS).values("query").distinct().count()
    return count, rows


def _searches_not_found(limit):
    return _search_rows(SearchLogEntry.objects.filter(results=0), limit)


def _searches(limit):
    return _search_rows(SearchLogEntry.objects.all(), limit)


def _review_note(term, today):
    if term.owner is None and term.review_by is None:
        return "no owner, no review date"
    owner = user_label(term.owner) if term.owner else "no owner"
    if term.review_by is None:
        return f"Owner: {owner} · no review date"
    when = date_format(term.review_by, "j M Y")
    late = (today - term.review_by).days
    if late > 0:
        return f"Owner: {owner} · review by {when}: overdue by {late} day{'s' * (late != 1)}"
    return f"Owner: {owner} · review by {when}"


def _reviews(limit):
    """
    Every term, overdue reviews first (the longest overdue first), then the
    review dates to come, then the terms nobody has dated: a term with neither
    owner nor date is what most needs one.
    """
    today = timezone.localdate()
    queryset = Term.objects.select_related("owner").order_by(
        F("review_by").asc(nulls_last=True), "name"
    )
    return item_rows(queryset, lambda term: _review_note(term, today), limit)


def register_sections():
    register(
        Section(
            "leading-nowhere",
            "Terms that lead nowhere",
            "Terms with no related service or technology: their readers have nowhere to go next.",
            _leading_nowhere,
            position=10,
        )
    )
    register(
        Section(
            "orphans",
            "Orphan terms",
            "Published terms that no other page links to or lists: readers only find them "
            "through the index or search. Terms not auto-linked (“link to this term” off) "
            "are judged by hand-made links only.",
            _orphans,
            position=20,
        )
    )
    register(
        Section(
            "draft-mentions",
            "Mentions of draft terms",
            f"Published text naming one of the {DRAFT_TERMS_LOOKED_FOR} latest draft terms "
            "(its name, an alias or its abbreviation, as whole words): those words are "
            f"linked once the term is published. Up to {DRAFT_CANDIDATES} bodies of each "
            "kind are read.",
            _draft_mentions,
            position=50,
        )
    )
    register(
        Section(
            "broken-links",
            "Links to missing or unpublished pages",
            "Links written in bodies whose page does not exist, or is not published.",
            _broken_links,
            position=60,
        )
    )
    register(
        Section(
            "searches-not-found",
            "Searches that found nothing",
            f"The most frequent glossary searches of the last {SEARCH_DAYS} days that found "
            "no term: candidates for new terms or aliases.",
            _searches_not_found,
            position=80,
        )
    )
    register(
        Section(
            "searches",
            "Most frequent searches",
            f"What visitors searched the glossary for most in the last {SEARCH_DAYS} days.",
            _searches,
            position=81,
        )
    )
    register(
        Section(
            "reviews",
            "Owners and review dates",
            "Each term's owner and review-by date: overdue reviews first, then the dates "
            "to come, then the terms with no date.",
            _reviews,
            position=30,
        )
    )
