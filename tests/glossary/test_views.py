from datetime import timedelta

import pytest
from django.utils import timezone

from consultancy.models import Status
from tests.factories import make_service, make_technology, make_term
from tests.helpers import h1_count, in_order, structured_data, structured_types, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def foundation_model():
    term = make_term(
        name="Foundation Model",
        slug="foundation-model",
        abbreviation="FM",
        short_definition="A large model trained on broad data and adapted to many tasks.",
        body="First paragraph.\n\nSecond paragraph about the Transformer.\n\nThird.",
        tags=["generative-ai"],
    )
    term.related_terms.add(
        make_term(
            name="Transformer", slug="transformer", short_definition="A network built on attention."
        )
    )
    term.services.add(
        make_service(title="Cloud AI Modernisation", summary="Move AI workloads to the cloud.")
    )
    term.technologies.add(
        make_technology(name="Hugging Face Development", summary="Build on open models.")
    )
    return term


def test_term_page_shows_its_sections_in_order(client, foundation_model):
    response = client.get("/glossary/foundation-model/")
    content = text(response)
    assert h1_count(response) == 1
    assert in_order(
        content,
        'aria-label="Breadcrumb"',
        "<h1>Foundation Model",
        "(FM)",
        "A large model trained on broad data and adapted to many tasks.",
        ">In Depth</h2>",
        "Second paragraph",
        ">Related Terms</h2>",
        "A network built on attention.",
        ">Related Services</h2>",
        "Move AI workloads to the cloud.",
        ">Related Technologies</h2>",
        "Build on open models.",
        "?tag=generative-ai",
        "Last updated",
        "Need Help With Foundation Model?",
        'href="/contact/?topic=term%3Afoundation-model">Get in Touch</a>',
    )


def test_term_page_links_each_related_item_to_its_page(client, foundation_model):
    content = text(client.get(foundation_model.get_absolute_url()))
    related = [
        *foundation_model.related_terms.all(),
        *foundation_model.services.all(),
        *foundation_model.technologies.all(),
    ]
    assert len(related) == 3
    for item in related:
        assert f'<a class="card__title" href="{item.get_absolute_url()}">{item}</a>' in content


def test_term_page_uses_its_own_call_to_action_when_set(client):
    term = make_term(cta_heading="Planning a Foundation Model?", cta_text="Talk to an engineer.")
    content = text(client.get(term.get_absolute_url()))
    assert "Planning a Foundation Model?" in content
    assert "Talk to an engineer." in content


def test_sections_with_nothing_to_show_are_left_out(client):
    term = make_term(body="")
    content = text(client.get(term.get_absolute_url()))
    for heading in ["In Depth", "Related Terms", "Related Services", "Related Technologies"]:
        assert f">{heading}</h2>" not in content


def test_related_lists_show_only_published_items(client):
    term = make_term()
    term.related_terms.add(make_term(name="Secret Draft", status=Status.DRAFT))
    term.services.add(
        make_service(title="Future Service", published_at=timezone.now() + timedelta(days=2))
    )
    term.technologies.add(make_technology(name="Hidden Tech", status=Status.DRAFT))
    content = text(client.get(term.get_absolute_url()))
    for hidden in ["Secret Draft", "Future Service", "Hidden Tech"]:
        assert hidden not in content


def related_section(response, id):
    """The HTML of one related list of a page ("" when the page leaves it out)."""
    page = response.content.decode()
    start = page.find(f'aria-labelledby="{id}"')
    return "" if start == -1 else page[start : page.index("</section>", start)]


def test_a_term_page_lists_only_the_related_terms_it_chose(client):
    """Related terms are one-way: a term that chose this one is not listed back."""
    foundation = make_term(
        name="Foundation Model", slug="foundation-model", body="Trained on broad data."
    )
    chosen = make_term(name="Transformer", slug="transformer", body="Attention throughout.")
    foundation.related_terms.add(chosen)
    generative = make_term(
        name="Generative AI", slug="generative-ai", body="Models that make new text."
    )
    generative.related_terms.add(foundation)
    page = client.get(foundation.get_absolute_url())
    related = related_section(page, "related-terms")
    assert "Transformer" in related
    assert "Generative AI" not in related
    # Nor anywhere else: Generative AI's text does not mention it.
    assert "Generative AI" not in text(page)
    assert "Foundation Model" in related_section(
        client.get(generative.get_absolute_url()), "related-terms"
    )


@pytest.mark.parametrize(
    "overrides",
    [{"status": Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_drafts_and_scheduled_terms_are_404_for_visitors(client, overrides):
    term = make_term(**overrides)
    assert client.get(term.get_absolute_url()).status_code == 404


def test_editor_previews_a_draft_with_a_banner_noindex_and_no_caching(editor_client):
    term = make_term(status=Status.DRAFT, name="Work In Progress")
    response = editor_client.get(term.get_absolute_url())
    content = text(response)
    assert response.status_code == 200
    assert "Draft — not public." in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_sales_staff_cannot_preview_drafts(sales_client):
    term = make_term(status=Status.DRAFT)
    assert sales_client.get(term.get_absolute_url()).status_code == 404


def test_public_term_page_has_no_draft_banner(editor_client):
    content = text(editor_client.get(make_term().get_absolute_url()))
    assert "Draft — not public." not in content
    assert "noindex" not in content


def test_body_is_sanitised_but_keeps_formatting(client):
    term = make_term(
        body="## Steps\n\n- **one**\n\n<script>alert(1)</script><b onclick='x()'>b</b>"
    )
    content = text(client.get(term.get_absolute_url()))
    assert "<h3>Steps</h3>" in content
    assert "<strong>one</strong>" in content
    assert "alert(1)" not in content
    assert "onclick" not in content


def test_term_page_structured_data(client, foundation_model):
    response = client.get(foundation_model.get_absolute_url())
    assert structured_types(response) == {"BreadcrumbList", "DefinedTerm"}
    term = next(item for item in structured_data(response) if item["@type"] == "DefinedTerm")
    assert term["name"] == "Foundation Model"
    assert term["alternateName"] == ["FM"]
    assert term["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert term["inDefinedTermSet"]["@id"].endswith("/glossary/")
    crumbs = next(item for item in structured_data(response) if item["@type"] == "BreadcrumbList")
    assert [c["name"] for c in crumbs["itemListElement"]] == [
        "Home",
        "Glossary",
        "Foundation Model",
    ]


def test_term_page_head_for_search_engines_and_sharing(client, foundation_model):
    content = text(client.get(foundation_model.get_absolute_url()))
    assert '<html lang="en-GB">' in content
    assert "<title>Foundation Model — Glossary |" in content
    assert (
        '<meta name="description" content="A large model trained on broad data and adapted'
        in content
    )
    assert '<link rel="canonical" href="http://testserver/glossary/foundation-model/">' in content
    assert '<meta property="og:title" content="Foundation Model">' in content
    assert '<meta name="twitter:card" content="summary">' in content


def test_seo_fields_override_title_and_description(client):
    term = make_term(seo_title="What is a foundation model?", meta_description="Short answer.")
    content = text(client.get(term.get_absolute_url()))
    assert "<title>What is a foundation model? — Glossary" in content
    assert '<meta name="description" content="Short answer.">' in content


def related_web(count):
    """A term with `count` related terms, services and technologies (and aliases)."""
    term = make_term(body="Body mentions nothing.", aliases="Other Name\nThird Name")
    term.related_terms.add(*[make_term() for _ in range(count)])
    term.services.add(*[make_service() for _ in range(count)])
    term.technologies.add(*[make_technology() for _ in range(count)])
    return term


@pytest.mark.parametrize("relations", [3, 40])
def test_term_page_costs_two_queries_whatever_its_relations(
    client, cold_cache, django_assert_num_queries, relations
):
    """
    Guards against N+1: the term, then one read of everything it lists, for 3
    or 40 relations of each kind (README, "Performance").
    """
    term = related_web(relations)
    with django_assert_num_queries(2):
        response = client.get(term.get_absolute_url())
    assert text(response).count('class="card"') == 3 * relations
    assert "Also known as" in text(response)


def test_term_page_shows_its_aliases_as_also_known_as(client):
    term = make_term(name="Call To Action", aliases="CTA\nBuy Button")
    content = text(client.get(term.get_absolute_url()))
    assert (
        '<p class="entry__aliases">Also known as: <span class="entry__alias">CTA</span>, '
        '<span class="entry__alias">Buy Button</span></p>'
    ) in content
    assert "Also known as" not in text(client.get(make_term().get_absolute_url()))


def defined_term_of(client, term):
    response = client.get(term.get_absolute_url())
    return next(item for item in structured_data(response) if item["@type"] == "DefinedTerm")


def test_term_structured_data_lists_every_other_name(client):
    term = make_term(name="Call To Action", abbreviation="CTA", aliases="Buy Button\nCall-out")
    assert defined_term_of(client, term)["alternateName"] == ["CTA", "Buy Button", "Call-out"]
    assert "alternateName" not in defined_term_of(client, make_term())
