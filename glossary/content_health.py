"""The glossary's sections of the content health page (consultancy.content_health)."""

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from consultancy.content_health import Section, item_rows, register
from glossary.models import Term, TermService, TermTechnology


def _leading_nowhere(limit):
    """Terms that name no service and no technology: a reader of them cannot go on to us."""
    services = TermService.objects.filter(term=OuterRef("pk"))
    technologies = TermTechnology.objects.filter(term=OuterRef("pk"))
    queryset = Term.objects.filter(~Exists(services), ~Exists(technologies)).order_by("name")
    return item_rows(queryset, lambda term: term.publication_state, limit)


def _review_note(term, today):
    owner = term.owner.get_full_name() or term.owner.get_username() if term.owner else "no owner"
    if term.review_by is None:
        return f"Owner: {owner} · no review date"
    when = date_format(term.review_by, "j M Y")
    late = (today - term.review_by).days
    if late > 0:
        return f"Owner: {owner} · review by {when}: overdue by {late} day{'s' * (late != 1)}"
    return f"Owner: {owner} · review by {when}"


def _reviews(limit):
    today = timezone.localdate()
    queryset = (
        Term.objects.filter(Q(owner__isnull=False) | Q(review_by__isnull=False))
        .select_related("owner")
        .order_by(F("review_by").asc(nulls_last=True), "name")
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
            "reviews",
            "Owners and review dates",
            "Each term's owner and review-by date, overdue reviews first.",
            _reviews,
            position=30,
        )
    )
