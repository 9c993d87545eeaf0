import pytest

from consultancy.models import Status
from consultancy.queries import page_relations
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def test_page_relations_lists_published_items_of_each_kind_in_listing_order():
    term = make_term(tags=["nlp", "agents"])
    term.related_terms.add(make_term(name="Zeta"), make_term(name="alpha"))
    term.related_terms.add(make_term(name="Hidden", status=Status.DRAFT))
    term.services.add(make_service(title="B service", order=2), make_service(title="A", order=9))
    term.technologies.add(make_technology(name="PyTorch", slug="pytorch"))
    relations = page_relations(term)
    assert [str(card) for card in relations["related_terms"]] == ["alpha", "Zeta"]
    assert [str(card) for card in relations["services"]] == ["B service", "A"]
    assert [card.get_absolute_url() for card in relations["technologies"]] == [
        "/technologies/pytorch/"
    ]
    assert [card.title for card in relations["tags"]] == ["agents", "nlp"]


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
