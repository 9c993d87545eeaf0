"""Auto-linking: the first mention of another published term links to its page."""

import contextvars

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from consultancy.models import Status
from glossary.autolink import FEW_BODIES, HAS_ALIASES, build_index, relink
from glossary.models import Term
from glossary.phrases import WORD
from glossary.signals import deletions_not_relinked
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def body_of(term):
    return Term.objects.get(pk=term.pk).body_html


def link_to(term):
    return f'href="{term.get_absolute_url()}"'


def test_first_mention_of_another_term_links_to_it_once():
    transformer = make_term(name="Transformer", short_definition="A network built on attention.")
    term = make_term(body="A Transformer here, and a Transformer there.")
    html = body_of(term)
    assert html.count(link_to(transformer)) == 1
    assert html.index(link_to(transformer)) < html.index("there")


def test_link_carries_an_accessible_tooltip_with_the_definition():
    transformer = make_term(name="Transformer", short_definition="A network built on attention.")
    html = body_of(make_term(body="Read about the Transformer."))
    assert f'aria-describedby="term-tip-{transformer.slug}"' in html
    assert f'role="tooltip" id="term-tip-{transformer.slug}">A network built on attention.' in html


def test_plural_and_abbreviation_mentions_link():
    transformer = make_term(name="Transformer")
    llm = make_term(name="Large Language Model", abbreviation="LLM")
    html = body_of(make_term(body="Most Transformers power LLMs today."))
    assert f"{link_to(transformer)}" in html
    assert ">Transformers</a>" in html
    assert f"{link_to(llm)}" in html
    assert ">LLMs</a>" in html


def test_longest_match_wins():
    make_term(name="Language Model")
    longer = make_term(name="Large Language Model")
    html = body_of(make_term(body="A large language model is big."))
    assert link_to(longer) in html
    assert ">large language model</a>" in html
    assert "/glossary/language-model/" not in html


@pytest.mark.parametrize(
    "body",
    [
        "See [the Transformer paper](https://example.com/paper).",
        "## Transformer basics\n\nNothing else here.",
        "Call `Transformer()` in code.",
        "```\nTransformer = build()\n```",
    ],
    ids=["inside-a-link", "inside-a-heading", "inline-code", "code-block"],
)
def test_never_links_inside_links_headings_or_code(body):
    transformer = make_term(name="Transformer")
    assert link_to(transformer) not in body_of(make_term(body=body))


def test_never_links_a_term_to_itself():
    term = make_term(name="Transformer", body="A Transformer is a network.")
    assert link_to(term) not in body_of(term)


def test_drafts_and_scheduled_terms_are_not_linked():
    make_term(name="Draft Idea", status=Status.DRAFT)
    html = body_of(make_term(body="A Draft Idea is not public."))
    assert "autolink" not in html


def test_publishing_a_term_links_existing_mentions():
    mention = make_term(body="Diffusion Model outputs.")
    diffusion = make_term(name="Diffusion Model", status=Status.DRAFT)
    assert link_to(diffusion) not in body_of(mention)
    diffusion.status = Status.PUBLISHED
    diffusion.save()
    assert link_to(diffusion) in body_of(mention)


def test_bulk_publish_and_unpublish_update_links():
    mention = make_term(body="About the Diffusion Model.")
    diffusion = make_term(name="Diffusion Model", status=Status.DRAFT)
    Term.objects.filter(pk=diffusion.pk).publish()
    assert link_to(diffusion) in body_of(mention)
    Term.objects.filter(pk=diffusion.pk).unpublish()
    assert link_to(diffusion) not in body_of(mention)


def test_renaming_a_term_moves_its_links():
    term = make_term(name="Agent", slug="agent")
    mention = make_term(body="An Agent acts; an AI Assistant helps.")
    assert link_to(term) in body_of(mention)
    term.name = "AI Assistant"
    term.save()
    html = body_of(mention)
    assert ">AI Assistant</a>" in html
    assert ">Agent</a>" not in html


def test_deleting_a_term_removes_its_links():
    term = make_term(name="Agent")
    mention = make_term(body="An Agent acts.")
    term.delete()
    assert "autolink" not in body_of(mention)


def test_holding_back_relinking_on_delete_applies_to_its_caller_only():
    held, elsewhere, later = (
        make_term(name="Agent"),
        make_term(name="Planner"),
        make_term(name="Router"),
    )
    held_mention = make_term(body="An Agent acts.")
    elsewhere_mention = make_term(body="A Planner plans.")
    later_mention = make_term(body="A Router routes.")
    with deletions_not_relinked():
        held.delete()
        # Another caller (thread, task) meanwhile has its own context: its
        # deletions still relink the bodies that mention them.
        contextvars.Context().run(elsewhere.delete)
    assert "autolink" in body_of(held_mention)  # left for the caller to relink
    assert "autolink" not in body_of(elsewhere_mention)
    relink(Term.objects.filter(pk=held_mention.pk))
    assert "autolink" not in body_of(held_mention)
    # Once the block ends, deletions relink again.
    later.delete()
    assert "autolink" not in body_of(later_mention)


def test_editors_can_switch_auto_linking_off_for_a_term():
    make_term(name="Transformer")
    term = make_term(body="The Transformer.", auto_link=False)
    assert "autolink" not in body_of(term)
    assert "<p>The Transformer.</p>" in body_of(term)


def test_names_with_punctuation_link_in_single_saves_and_bulk_relinks():
    nim = make_term(name="NVIDIA NIM & Triton", slug="nim")
    single = make_term(body="We deploy on NVIDIA NIM & Triton servers.")
    assert link_to(nim) in body_of(single)
    others = [make_term(body=f"Case {n}: NVIDIA NIM & Triton.") for n in range(FEW_BODIES + 2)]
    relink(Term.objects.filter(pk__in=[term.pk for term in others]))
    assert all(link_to(nim) in body_of(term) for term in others)


def test_saving_one_term_reads_only_the_terms_its_text_could_name():
    for n in range(30):
        make_term(name=f"Unrelated Idea {n}")
    transformer = make_term(name="Transformer")
    index = build_index(Term.objects.published(), ["Transformers are everywhere."])
    assert index.match_at(list(WORD.finditer("transformers")), 0)[0].pk == transformer.pk
    assert len(index) <= 4  # "transformer" and its plural, nothing else


def test_an_alias_links_like_the_name_once_per_page():
    cta = make_term(name="Call To Action", aliases="CTA\nBuy Button")
    html = body_of(make_term(body="Add a CTA, then a buy button, then a call to action."))
    assert html.count(link_to(cta)) == 1
    assert ">CTA</a>" in html


def test_aliases_match_plurals_and_ignore_case_by_default():
    cta = make_term(name="Call To Action", aliases="CTA")
    html = body_of(make_term(body="Our ctas convert."))
    assert link_to(cta) in html
    assert ">ctas</a>" in html


def test_the_longest_match_wins_across_names_and_aliases():
    make_term(name="Language Model")
    big = make_term(name="LLM Family", aliases="Large Language Model")
    html = body_of(make_term(body="A large language model is big."))
    assert link_to(big) in html
    assert ">large language model</a>" in html


@pytest.mark.parametrize(
    "body",
    ["## CTA basics\n\nNothing else.", "See [the CTA guide](https://example.com).", "`CTA`"],
    ids=["heading", "link", "code"],
)
def test_aliases_are_never_linked_in_headings_links_or_code(body):
    cta = make_term(name="Call To Action", aliases="CTA")
    assert link_to(cta) not in body_of(make_term(body=body))


def test_a_term_never_links_to_itself_by_its_alias():
    cta = make_term(name="Call To Action", aliases="CTA", body="A CTA asks for a click.")
    assert "autolink" not in body_of(cta)


def test_aliases_link_when_many_bodies_are_relinked_at_once():
    bodies = [make_term(body=f"Case {n}: a CTA.") for n in range(FEW_BODIES + 2)]
    cta = make_term(name="Call To Action", aliases="CTA")
    relink(Term.objects.filter(pk__in=[term.pk for term in bodies]))
    assert all(link_to(cta) in body_of(term) for term in bodies)


def test_the_link_index_reads_only_aliased_terms_the_text_could_name(
    django_assert_num_queries,
):
    """Guards against reading the glossary: aliases come with the name lookup."""
    for n in range(30):
        make_term(name=f"Unrelated Idea {n}", aliases=f"Other Idea {n}")
    cta = make_term(name="Call To Action", aliases="CTA")
    with django_assert_num_queries(2):  # names and aliases; abbreviations
        index = build_index(Term.objects.published(), ["Every CTA counts."])
    assert index.match_at(list(WORD.finditer("cta")), 0)[0].pk == cta.pk
    assert len(index) <= 6  # the name, the alias and their plurals, nothing else


def test_adding_and_removing_an_alias_relinks_the_bodies_that_mention_it():
    mention = make_term(body="Click the CTA.")
    cta = make_term(name="Call To Action")
    assert link_to(cta) not in body_of(mention)
    cta.aliases = "CTA"
    cta.save()
    assert link_to(cta) in body_of(mention)
    cta.aliases = ""
    cta.save()
    assert link_to(cta) not in body_of(mention)


def test_a_term_that_is_not_linkable_is_never_linked():
    common = make_term(name="Data", linkable=False)
    single = make_term(body="Data is everywhere.")
    assert link_to(common) not in body_of(single)
    many = [make_term(body=f"Case {n}: data.") for n in range(FEW_BODIES + 2)]
    relink(Term.objects.filter(pk__in=[term.pk for term in many]))
    assert not any(link_to(common) in body_of(term) for term in many)


def test_switching_linkable_relinks_the_bodies_that_mention_the_term():
    mention = make_term(body="Data is everywhere.")
    data = make_term(name="Data")
    assert link_to(data) in body_of(mention)
    data.linkable = False
    data.save()
    assert link_to(data) not in body_of(mention)
    data.linkable = True
    data.save()
    assert link_to(data) in body_of(mention)


def test_a_term_that_matches_case_links_only_as_written():
    make_term(name="DES", aliases="Data Encryption Standard", match_case=True)
    html = body_of(make_term(body="Les des lignes. The data encryption standard. Then DES."))
    assert ">DES</a>" in html
    assert ">des</a>" not in html
    assert ">data encryption standard</a>" not in html
    html = body_of(make_term(body="Our Data Encryption Standard."))
    assert ">Data Encryption Standard</a>" in html


def test_switching_match_case_relinks_the_bodies_that_mention_the_term():
    mention = make_term(body="Les des lignes.")
    des = make_term(name="DES")
    assert ">des</a>" in body_of(mention)  # names ignore case by default
    des.match_case = True
    des.save()
    assert link_to(des) not in body_of(mention)


def test_a_no_link_passage_is_left_unlinked_and_its_markers_dropped():
    transformer = make_term(name="Transformer")
    html = body_of(make_term(body="A {nolink}Transformer{/nolink} here, a Transformer there."))
    assert html.count(link_to(transformer)) == 1
    assert html.index(link_to(transformer)) > html.index("here")
    assert "nolink" not in html
    assert "\ue000" not in html
    assert "\ue001" not in html


def test_a_no_link_passage_may_span_paragraphs():
    transformer = make_term(name="Transformer")
    body = "{nolink}\n\nA Transformer.\n\n- Transformer list\n\n{/nolink}\n\nA Transformer."
    html = body_of(make_term(body=body))
    assert html.count(link_to(transformer)) == 1
    assert html.index(link_to(transformer)) > html.index("list")
    assert "<p></p>" not in html
    assert "nolink" not in html


def test_no_link_markers_are_dropped_when_nothing_is_linked():
    assert body_of(make_term(body="Plain {nolink}text{/nolink}.", auto_link=False)) == (
        "<p>Plain text.</p>"
    )
    assert body_of(make_term(body="Plain {nolink}text{/nolink}.")) == "<p>Plain text.</p>"


def test_the_terms_with_aliases_are_found_by_their_partial_index():
    """The name lookup of every save also reads the aliased terms: never the whole table."""
    now = timezone.now()
    terms = []
    for n in range(1000):
        term = Term(
            name=f"Sample {n}",
            slug=f"sample-{n}",
            short_definition="A sample.",
            status=Status.PUBLISHED,
            published_at=now,
            aliases=f"Example {n}" if n % 100 == 0 else "",
        )
        term.derive_fields(render_body=False, search_vector=False)
        terms.append(term)
    Term.objects.bulk_create(terms)
    on_postgres = connection.vendor == "postgresql"
    if on_postgres:
        lookup = Term.objects.published().filter(Q(link_key__in=["sample 1"]) | HAS_ALIASES)
    else:
        # SQLite does not combine two indexes for an OR: the aliased terms alone.
        lookup = Term.objects.filter(HAS_ALIASES)
    sql, params = lookup.order_by().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE glossary_term" if on_postgres else "ANALYZE")
        cursor.execute(f"{'EXPLAIN' if on_postgres else 'EXPLAIN QUERY PLAN'} {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "glossary_term_has_aliases" in plan
