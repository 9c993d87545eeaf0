"""Editing a term in the admin: every switch reachable, one render and one write per save."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import consultancy.models.content
from consultancy.models import Status
from glossary.models import Term
from tests.factories import make_term

pytestmark = pytest.mark.django_db

# One admin save of a term, whatever its text (see the test below): 31, 9 for
# its revision (its 3 relations and tags read once, the revision and its
# version written, in a savepoint), 1 that removes any draft it published,
# 2 that look for mentions of the term in services' and technologies' bodies
# (terms' bodies were looked at already), and 1 that reads the body's links
# in the link index (unchanged here, so nothing is written).
SAVE_QUERIES = 44


def change_url(term):
    return reverse("admin:glossary_term_change", args=[term.pk])


def change_form_data(term, **overrides):
    """What the change form posts for `term` as it is, with `overrides`."""
    data = {
        "name": term.name,
        "abbreviation": term.abbreviation,
        "slug": term.slug,
        "short_definition": term.short_definition,
        "body": term.body,
        "aliases": term.aliases,
        "auto_link": "on" if term.auto_link else "",
        "linkable": "on" if term.linkable else "",
        "match_case": "on" if term.match_case else "",
        "tags": "",
        "cta_heading": "",
        "cta_text": "",
        "seo_title": "",
        "meta_description": "",
        "status": term.status,
        "published_at_0": term.published_at.strftime("%d/%m/%Y"),
        "published_at_1": term.published_at.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_editor_can_stop_a_term_linking_other_terms(editor_client):
    make_term(name="Transformer")
    term = make_term(name="Attention", body="A Transformer uses it.")
    assert 'data-term="' in Term.objects.get(pk=term.pk).body_html

    form = editor_client.get(change_url(term)).content.decode()
    assert 'name="auto_link"' in form
    assert "link other terms" in form.lower()

    response = editor_client.post(change_url(term), change_form_data(term, auto_link=None))
    assert response.status_code == 302, response.context["adminform"].form.errors
    term.refresh_from_db()
    assert term.auto_link is False
    assert 'data-term="' not in term.body_html


def test_call_to_action_help_shows_its_placeholder_as_text(editor_client):
    content = editor_client.get(change_url(make_term())).content.decode()
    assert "Need Help With Foundation Model?" in content
    assert "and the term&#x27;s name" in content or "and the term's name" in content
    assert "<name>" not in content


def test_one_admin_save_renders_the_markdown_once_and_writes_the_row_once(
    editor_client, monkeypatch
):
    """
    Guards against save-time work done twice: a term's derived fields (HTML
    with links, letter, link key, search vector) are computed before its one
    UPDATE, not patched in afterwards by signals.
    """
    make_term(name="Transformer")
    term = make_term(name="Attention", body="A Transformer uses it.")
    renders = []
    render = consultancy.models.content.render_markdown
    monkeypatch.setattr(
        consultancy.models.content,
        "render_markdown",
        lambda text, **options: renders.append(text) or render(text, **options),
    )
    editor_client.get(change_url(term))  # the editor opens the form first
    data = change_form_data(term, body="A Transformer uses attention heavily.")
    with CaptureQueriesContext(connection) as captured:
        response = editor_client.post(change_url(term), data)
    assert response.status_code == 302
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(('UPDATE "glossary_term"', 'INSERT INTO "glossary_term"'))
    ]
    assert len(writes) == 1, writes
    assert renders == ["A Transformer uses attention heavily."]
    term.refresh_from_db()
    assert term.status == Status.PUBLISHED
    assert 'data-term="' in term.body_html
    # The session and user, the form's choices and checks, the term's own
    # link index (2), its one UPDATE, the other terms that mention it, the
    # relations and tags it saves, the admin log, its revision, its draft, and
    # savepoints.
    assert len(captured.captured_queries) == SAVE_QUERIES


def test_the_short_definition_is_counted_not_cut_and_its_limit_explained(editor_client):
    term = make_term(name="Attention")
    form = editor_client.get(change_url(term)).content.decode()
    field = re.search(r"<textarea[^>]*name=\"short_definition\"[^>]*>", form).group()
    assert 'data-limit="300"' in field
    assert "maxlength" not in field

    too_long = "A definition that goes on. " * 12  # 324 characters
    response = editor_client.post(
        change_url(term), change_form_data(term, short_definition=too_long)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please keep this to at most 300 characters (it has 323)." in content
    assert too_long.strip() in content  # nothing was cut
    assert Term.objects.get(pk=term.pk).short_definition != too_long.strip()


def test_the_body_preview_shows_the_markdown_as_the_page_will(editor_client):
    make_term(name="Transformer")
    url = reverse("admin:glossary_term_markdown_preview")
    response = editor_client.post(url, {"text": "## Steps\n\nA Transformer <script>x()</script>"})
    html = response.json()["html"]
    assert "<h3>Steps</h3>" in html
    assert 'href="/glossary/term-' in html
    assert "Transformer</a>" in html
    assert "<script>" not in html
    assert editor_client.get(url).status_code == 405


def test_sales_cannot_use_the_body_preview(sales_client):
    url = reverse("admin:glossary_term_markdown_preview")
    assert sales_client.post(url, {"text": "Hello"}).status_code == 403


def test_editors_set_aliases_and_how_the_term_is_linked_to(editor_client):
    term = make_term(name="Data Encryption Standard")
    form = editor_client.get(change_url(term)).content.decode()
    for field in ("aliases", "linkable", "match_case"):
        assert f'name="{field}"' in form
    assert "link to this term" in form.lower()
    response = editor_client.post(
        change_url(term),
        change_form_data(term, aliases="DES\nDEA", linkable=None, match_case="on"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    term.refresh_from_db()
    assert (term.alias_list, term.linkable, term.match_case) == (["DES", "DEA"], False, True)


def test_the_admin_refuses_an_alias_another_term_has_and_names_it(editor_client):
    make_term(name="Call To Action", aliases="CTA")
    term = make_term(name="Button")
    response = editor_client.post(change_url(term), change_form_data(term, aliases="cta"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["aliases"] == ["“cta” is already an alias of the term “Call To Action”."]
    assert Term.objects.get(pk=term.pk).aliases == ""


def test_the_term_list_finds_a_term_by_its_alias(editor_client):
    make_term(name="Call To Action", aliases="Buy Button")
    make_term(name="Other")
    response = editor_client.get(reverse("admin:glossary_term_changelist"), {"q": "buy button"})
    assert [term.name for term in response.context["cl"].result_list] == ["Call To Action"]


@pytest.mark.parametrize("terms", [2, 12])
def test_the_body_preview_costs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, terms
):
    """Guards against N+1: every term the text mentions is linked from one read of the terms."""
    names = [make_term(name=f"Concept {chr(65 + n)}").name for n in range(terms)]
    url = reverse("admin:glossary_term_markdown_preview")
    with django_assert_num_queries(6):
        response = editor_client.post(url, {"text": "See " + ", ".join(names) + "."})
    assert response.json()["html"].count("<a ") == terms
