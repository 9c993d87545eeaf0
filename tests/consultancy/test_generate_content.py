import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from taggit.models import TaggedItem

from consultancy.corpus.plan import SLUG_PREFIX, plan_corpus
from glossary.models import Term, index_letter
from glossary.search import search_terms
from services.models import Service, Technology
from tests.factories import make_term

pytestmark = pytest.mark.django_db

TERMS = 60
SEED = 7


def generate(**options):
    options = {"terms": TERMS, "seed": SEED, "stdout": StringIO(), **options}
    call_command("generate_content", **options)
    return options["stdout"].getvalue()


def generated(model):
    return model.objects.filter(slug__startswith=SLUG_PREFIX)


def related_pairs():
    return set(Term.related_terms.through.objects.values_list("from_term_id", "to_term_id"))


def snapshot():
    """The generated corpus by slug, so that two runs with other primary keys compare equal."""
    slug_of = dict(Term.objects.values_list("pk", "slug"))
    terms = {
        term.slug: (
            term.name,
            term.abbreviation,
            term.short_definition,
            term.body,
            # Links name terms by primary key, which differs between runs.
            re.sub(
                r'data-term="(\d+)"', lambda m: f'data-term="{slug_of[int(m[1])]}"', term.body_html
            ),
            sorted(term.services.values_list("slug", flat=True)),
            sorted(term.technologies.values_list("slug", flat=True)),
            sorted(term.tags.values_list("name", flat=True)),
        )
        for term in generated(Term)
    }
    relations = sorted((slug_of[a], slug_of[b]) for a, b in related_pairs())
    services = {
        service.slug: (
            service.title,
            service.body,
            sorted(service.technologies.values_list("slug", flat=True)),
        )
        for service in generated(Service)
    }
    technologies = dict(generated(Technology).values_list("slug", "body"))
    return terms, relations, services, technologies


def test_creates_the_requested_numbers_of_published_items():
    output = generate()
    assert generated(Term).published().count() == TERMS
    assert generated(Service).published().count() == 12
    assert generated(Technology).published().count() == 20
    assert f"Generated {TERMS} terms" in output


def test_counts_of_services_and_technologies_can_be_chosen():
    generate(terms=10, services=3, technologies=4)
    assert (generated(Term).count(), generated(Service).count(), generated(Technology).count()) == (
        10,
        3,
        4,
    )


def test_related_terms_are_symmetrical_never_self_and_about_five_each():
    generate()
    pairs = related_pairs()
    assert pairs
    assert all((b, a) in pairs for a, b in pairs)
    assert not any(a == b for a, b in pairs)
    assert Term.related_terms.through.objects.count() == len(pairs), "duplicate relation rows"
    assert 3.5 <= len(pairs) / TERMS <= 6


def test_every_term_has_two_services_and_two_technologies():
    generate()
    counts = generated(Term).annotate(
        s=Count("services", distinct=True), t=Count("technologies", distinct=True)
    )
    assert {(term.s, term.t) for term in counts} == {(2, 2)}
    assert not generated(Service).filter(technologies=None).exists()


def test_every_term_has_its_index_letter_and_rendered_body():
    generate()
    for term in generated(Term):
        assert term.letter == index_letter(term.name)
        assert term.body_html.startswith("<p>")
        assert "<h3>" in term.body_html
        assert "<li>" in term.body_html
        assert 120 <= len(term.body.split()) <= 350
        assert len(term.short_definition) <= 300
        assert term.short_definition.count(".") == 1
    assert generated(Term).exclude(abbreviation="").exists()
    assert not generated(Service).filter(body_html="").exists()
    assert not generated(Technology).filter(body_html="").exists()


def test_bodies_link_to_other_generated_terms_never_to_themselves():
    generate()
    linked = 0
    for term in generated(Term):
        targets = {int(pk) for pk in re.findall(r'data-term="(\d+)"', term.body_html)}
        assert term.pk not in targets
        linked += bool(targets)
    assert linked >= TERMS * 0.9


def test_existing_terms_are_linked_to_generated_ones():
    name = plan_corpus(TERMS, 12, 20, SEED).terms[0].name
    existing = make_term(body=f"Compare with {name} before choosing.")
    generate()
    target = Term.objects.get(name=name)
    existing.refresh_from_db()
    assert f'data-term="{target.pk}"' in existing.body_html


def test_every_item_is_tagged_with_a_few_tags():
    generate()
    for model in (Term, Service, Technology):
        for item in generated(model):
            assert 1 <= item.tags.count() <= 3


def test_same_seed_gives_the_same_corpus_in_a_cleared_database():
    generate()
    first = snapshot()
    for model in (Term, Service, Technology):
        generated(model).delete()
    assert not TaggedItem.objects.exists()

    generate()
    assert snapshot() == first


def test_another_seed_gives_another_corpus():
    generate(terms=20)
    first = set(generated(Term).values_list("name", flat=True))
    generate(terms=20, seed=SEED + 1, replace=True)
    assert set(generated(Term).values_list("name", flat=True)) != first


def test_a_second_run_is_refused_without_replace():
    generate()
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        generate(terms=5)
    assert snapshot() == before


def test_replace_regenerates_and_leaves_other_content_alone():
    own = make_term(name="Our Own Term", slug="our-own-term")
    generate()
    first = snapshot()
    generate(replace=True)
    assert snapshot() == first
    generate(terms=10, services=3, technologies=4, replace=True)
    assert (generated(Term).count(), generated(Service).count(), generated(Technology).count()) == (
        10,
        3,
        4,
    )
    assert Term.objects.filter(pk=own.pk).exists()
    # Deleted items take their tags and relation rows with them.
    assert TaggedItem.objects.count() == sum(
        item.tags.count() for model in (Term, Service, Technology) for item in model.objects.all()
    )


def test_names_used_by_other_content_are_skipped():
    name = plan_corpus(TERMS, 12, 20, SEED).terms[0].name
    make_term(name=name.upper(), slug="taken-by-an-editor")
    generate()
    assert generated(Term).count() == TERMS
    assert not generated(Term).filter(name__iexact=name).exists()


def test_generating_makes_cached_pages_stale(client):
    make_term(name="Existing Idea")
    client.get("/glossary/")
    assert client.get("/glossary/")["X-Page-Cache"] == "hit"
    generate(terms=5)
    response = client.get("/glossary/")
    assert response["X-Page-Cache"] == "miss"
    assert generated(Term).order_by("name").first().name in response.content.decode()


def test_quiet_at_verbosity_zero():
    assert generate(terms=5, verbosity=0) == ""


def test_a_generated_term_page_shows_its_related_terms(client):
    generate()
    term = generated(Term).annotate(n=Count("related_terms")).filter(n__gt=0).first()
    response = client.get(term.get_absolute_url())
    assert response.status_code == 200
    assert term.related_terms.first().get_absolute_url() in response.content.decode()


def test_generated_terms_are_searchable():
    generate()
    term = generated(Term).first()
    assert term in search_terms(term.name)
    # The full-text vector exists on PostgreSQL only; SQLite matches plainly.
    vectors_missing = generated(Term).filter(search_vector=None).exists()
    assert vectors_missing == (connection.vendor != "postgresql")
