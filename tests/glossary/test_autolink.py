"""Auto-linking: the first mention of another published term links to its page."""

import contextvars

import pytest

from consultancy.models import Status
from glossary.autolink import FEW_BODIES, build_index, relink
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
