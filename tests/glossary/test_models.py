from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultancy.models import Status
from glossary.models import Term
from tests.factories import make_service, make_technology, make_term

pytestmark = pytest.mark.django_db


def test_related_terms_are_one_way():
    model, llm = make_term(name="Foundation Model"), make_term(name="Large Language Model")
    model.related_terms.add(llm)
    assert list(model.related_terms.all()) == [llm]
    assert list(llm.related_terms.all()) == []
    assert list(llm.related_by.all()) == [model]


def test_a_term_cannot_be_related_to_itself():
    term = make_term()
    with (
        pytest.raises(ValidationError, match="cannot be related to itself"),
        transaction.atomic(),
    ):
        term.related_terms.add(term)
    assert term.related_terms.count() == 0


def test_services_and_technologies_list_their_terms():
    term, service, technology = make_term(), make_service(), make_technology()
    term.services.add(service)
    term.technologies.add(technology)
    assert list(service.terms.all()) == [term]
    assert list(technology.terms.all()) == [term]


def test_published_hides_drafts_and_scheduled_terms():
    visible = make_term()
    make_term(status=Status.DRAFT)
    make_term(published_at=timezone.now() + timedelta(days=1))
    assert list(Term.objects.published()) == [visible]


def test_scheduled_term_becomes_visible_once_its_date_passes():
    term = make_term(published_at=timezone.now() - timedelta(seconds=1))
    assert term.is_public
    assert list(Term.objects.published()) == [term]


def test_publishing_sets_the_publication_date_once():
    term = make_term(status=Status.DRAFT)
    assert term.published_at is None
    term.status = Status.PUBLISHED
    term.save()
    first = term.published_at
    assert first is not None
    term.save()
    assert term.published_at == first


def test_queryset_publish_and_unpublish():
    draft = make_term(status=Status.DRAFT)
    assert Term.objects.filter(pk=draft.pk).publish() == 1
    draft.refresh_from_db()
    assert draft.is_public
    Term.objects.filter(pk=draft.pk).unpublish()
    assert not Term.objects.published().exists()


def test_a_published_term_without_date_is_refused_by_the_database():
    term = make_term()
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.filter(pk=term.pk).update(published_at=None)


def test_duplicate_names_are_refused_whatever_their_case():
    make_term(name="Transformer", slug="transformer")
    duplicate = Term(name="transformer", slug="transformer-2", short_definition="x.")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "A term with this name already exists." in str(error.value)


def test_duplicate_slug_message_names_the_field():
    make_term(slug="transformer")
    duplicate = Term(name="Other", slug="transformer", short_definition="x.")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict


def test_short_definition_longer_than_300_characters_is_refused():
    term = Term(name="Long", slug="long", short_definition="x" * 301)
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "at most 300 characters" in " ".join(error.value.message_dict["short_definition"])


def test_short_definition_is_kept_on_one_line():
    term = Term(name="Wrapped", slug="wrapped", short_definition="One\nsentence,\n  wrapped.")
    term.full_clean()
    assert term.short_definition == "One sentence, wrapped."


def test_defaults_for_seo_fields_and_call_to_action():
    term = make_term(name="Foundation Model", short_definition="A large pretrained model.")
    assert term.get_seo_title() == "Foundation Model"
    assert term.get_meta_description() == "A large pretrained model."
    assert term.get_cta_heading() == "Need Help With Foundation Model?"
    term.seo_title, term.cta_heading = "Foundation models explained", "Talk to us"
    assert term.get_seo_title() == "Foundation models explained"
    assert term.get_cta_heading() == "Talk to us"


def test_string_and_url():
    term = make_term(name="Transformer", slug="transformer", abbreviation="")
    assert str(term) == "Transformer"
    assert term.get_absolute_url() == "/glossary/transformer/"


def test_body_is_rendered_to_sanitised_html_on_save():
    term = make_term(body="Some **bold** text <script>alert('x')</script>")
    assert "<strong>bold</strong>" in term.body_html
    assert "<script" not in term.body_html


def test_aliases_are_one_per_line_cleaned_and_each_kept_once():
    term = make_term(name="Call To Action", aliases="  CTA \n\nBuy   Button\ncta\n")
    assert term.alias_list == ["CTA", "Buy Button"]
    assert Term.objects.get(pk=term.pk).alias_keys == "|cta|buy button|"


def test_clean_stores_the_aliases_cleaned():
    term = Term(
        name="Call To Action", slug="cta", short_definition="A prompt.", aliases="CTA\n\ncta"
    )
    term.full_clean()
    assert term.aliases == "CTA"


def alias_errors(term):
    with pytest.raises(ValidationError) as raised:
        term.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ("call  to ACTION", "“call to ACTION” is already the name of the term “Call To Action”."),
        ("cta", "“cta” is already an alias of the term “Call To Action”."),
    ],
    ids=["another term's name", "another term's alias"],
)
def test_an_alias_may_not_be_another_terms_name_or_alias(aliases, message):
    make_term(name="Call To Action", aliases="CTA")
    term = Term(name="Button", slug="button", short_definition="A control.", aliases=aliases)
    assert alias_errors(term)["aliases"] == [message]


def test_an_alias_may_not_be_the_terms_own_name():
    term = Term(name="Button", slug="button", short_definition="A control.", aliases="BUTTON")
    assert alias_errors(term)["aliases"] == [
        "“BUTTON” is this term's own name: list only its other names."
    ]


def test_a_name_may_not_be_another_terms_alias():
    make_term(name="Call To Action", aliases="CTA")
    term = Term(name="CTA", slug="cta", short_definition="A prompt.")
    assert alias_errors(term)["name"] == ["“CTA” is already an alias of the term “Call To Action”."]


def test_an_alias_longer_than_auto_linking_matches_is_refused():
    term = Term(
        name="Button",
        slug="button",
        short_definition="A control.",
        aliases="one two three four five six seven eight nine",
    )
    assert "auto-linking matches at most 8" in alias_errors(term)["aliases"][0]


def test_a_term_does_not_collide_with_its_own_stored_aliases():
    make_term(name="Call To Action", aliases="CTA")
    term = Term.objects.get(name="Call To Action")
    term.aliases = "CTA\nBuy Button"
    term.full_clean()  # raises if the term's stored "CTA" counted against it
    assert term.alias_list == ["CTA", "Buy Button"]


def test_names_are_checked_against_other_terms_only_when_they_change(django_assert_num_queries):
    """One indexed query when a name or alias changed; none when neither did."""
    make_term(name="Call To Action", aliases="CTA")
    term = Term.objects.get(name="Call To Action")
    with django_assert_num_queries(0):
        term.validate_names()
    term.aliases = "CTA\nBuy Button"
    with django_assert_num_queries(1):
        term.validate_names()
