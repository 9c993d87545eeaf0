from datetime import timedelta

import pytest
from django.utils import timezone

from consultancy import queries
from consultancy.models import Status
from consultancy.queries import page_relations, public_item
from consultancy.relations import set_in_order
from glossary.models import Term
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def test_page_relations_lists_published_items_of_each_kind_in_the_editors_order():
    term = make_term(tags=["nlp", "agents"])
    hidden = make_term(name="Hidden", status=Status.DRAFT)
    set_in_order(term, "related_terms", [make_term(name="Zeta"), hidden, make_term(name="alpha")])
    # The editor's order wins over the services' own order and their titles.
    early, late = make_service(title="B service", order=2), make_service(title="A", order=9)
    set_in_order(term, "services", [late, early])
    term.technologies.add(make_technology(name="PyTorch", slug="pytorch"))
    relations = page_relations(term)
    assert [str(card) for card in relations["related_terms"]] == ["Zeta", "alpha"]
    assert [str(card) for card in relations["services"]] == ["A", "B service"]
    assert [card.get_absolute_url() for card in relations["technologies"]] == [
        "/technologies/pytorch/"
    ]
    assert [card.title for card in relations["tags"]] == ["agents", "nlp"]


def test_lists_chosen_on_the_other_side_keep_their_natural_order():
    """A technology's services were ordered by each service's editor: the page lists them by `order`."""
    technology = make_technology()
    for title, order in (("Zed", 1), ("Alpha", 5)):
        make_service(title=title, order=order).technologies.add(technology)
    for name in ("Yak", "Bee"):
        make_term(name=name).technologies.add(technology)
    relations = page_relations(technology)
    assert [card.title for card in relations["services"]] == ["Zed", "Alpha"]
    assert [card.title for card in relations["terms"]] == ["Bee", "Yak"]


def test_service_page_relations_include_the_terms_that_link_to_it():
    service = make_service()
    term = make_term(name="Linked Term", short_definition="Says what it is.")
    term.services.add(service)
    service.technologies.add(make_technology(name="Ray"))
    relations = page_relations(service)
    assert [(card.title, card.summary_text) for card in relations["terms"]] == [
        ("Linked Term", "Says what it is.")
    ]
    assert [card.title for card in relations["technologies"]] == ["Ray"]


def test_public_item_finds_only_what_the_public_may_see_at_that_moment(monkeypatch):
    published = make_term(slug="public")
    make_term(slug="draft", status=Status.DRAFT)
    make_term(slug="scheduled", published_at=timezone.now() + timedelta(hours=1))
    assert public_item(Term, "public") == published
    assert public_item(Term, "draft") is None
    assert public_item(Term, "scheduled") is None
    assert public_item(Term, "missing") is None

    # The SQL is compiled once, but "now" is bound on every run.
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(queries.timezone, "now", lambda: later)
    assert public_item(Term, "scheduled").slug == "scheduled"


def test_page_relations_are_read_fresh_after_an_edit():
    term = make_term()
    related = make_term(name="Before")
    term.related_terms.add(related)
    assert [card.title for card in page_relations(term)["related_terms"]] == ["Before"]
    related.name = "After"
    related.save()
    assert [card.title for card in page_relations(term)["related_terms"]] == ["After"]


def test_related_term_cards_show_the_abbreviation():
    term = make_term()
    set_in_order(
        term,
        "related_terms",
        [make_term(name="Large Language Model", abbreviation="LLM"), make_term(name="Zeta")],
    )
    assert [str(card) for card in page_relations(term)["related_terms"]] == [
        "Large Language Model (LLM)",
        "Zeta",
    ]
