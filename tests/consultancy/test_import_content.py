import json
import re
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from reversion.models import Version
from taggit.models import Tag

from consultancy import imports
from consultancy.models import Status
from glossary.models import Term
from services.models import Service
from tests.factories import make_service, make_term

pytestmark = pytest.mark.django_db

HEADER = "type,slug,name,short_definition,status,related_terms,services,tags\n"


def run_import(tmp_path, text, *args, suffix="csv"):
    """(exit status, what the command printed) of import_content on `text`."""
    path = tmp_path / f"content.{suffix}"
    path.write_text(text, encoding="utf-8")
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_content", str(path), *args, stdout=stdout, stderr=stderr)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, stdout.getvalue() + stderr.getvalue()


def test_a_csv_row_creates_a_term_with_its_relations_and_tags(tmp_path):
    make_term(slug="attention", name="Attention")
    make_service(slug="audits")
    status, output = run_import(
        tmp_path,
        HEADER + "term,transformer,Transformer,A network.,published,attention,audits,nlp ml\n",
    )
    assert status == 0
    assert "row 1 term transformer: created" in output
    term = Term.objects.get(slug="transformer")
    assert term.status == Status.PUBLISHED
    assert term.published_at is not None
    assert [t.slug for t in term.related_terms.all()] == ["attention"]
    assert [s.slug for s in term.services.all()] == ["audits"]
    assert sorted(t.slug for t in term.tags.all()) == ["ml", "nlp"]


def test_an_imported_tag_slug_keeps_the_tags_name_and_a_new_one_gets_a_readable_name(
    tmp_path,
):
    Tag.objects.create(name="Generative AI", slug="generative-ai")
    status, output = run_import(
        tmp_path,
        HEADER + "term,diffusion,Diffusion,A model.,published,,,generative-ai computer-vision\n",
    )
    assert status == 0, output
    tags = Term.objects.get(slug="diffusion").tags.all()
    assert sorted((t.slug, t.name) for t in tags) == [
        ("computer-vision", "Computer Vision"),
        ("generative-ai", "Generative AI"),
    ]
    assert Tag.objects.count() == 2


def test_updated_rows_name_their_fields_and_unchanged_rows_say_so(tmp_path):
    make_term(slug="a", name="A", short_definition="Old.")
    make_term(slug="b", name="B", short_definition="Same.")
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition\nterm,a,A,New.\nterm,b,B,Same.\n",
    )
    assert status == 0
    assert "row 1 term a: updated (short_definition)" in output
    assert "row 2 term b: unchanged" in output
    assert Term.objects.get(slug="a").short_definition == "New."


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("term,new,New,Def.,published,missing-term,,", "related_terms: unknown slug missing-term"),
        (f"term,new,New,{'x' * 301},published,,,", "at most 300 characters"),
        ("term,new,Taken,Def.,published,,,", "already exists"),
        ("term,new,New,Def.,live,,,", "status: Value 'live' is not a valid choice."),
    ],
    ids=["unknown related slug", "definition too long", "duplicate name", "bad status"],
)
def test_a_dry_run_reports_each_error_and_changes_nothing(tmp_path, row, reason):
    make_term(slug="taken", name="Taken")
    before = list(Term.objects.values_list("slug", "updated_at"))
    status, output = run_import(tmp_path, HEADER + row + "\n", "--dry-run")
    assert status == 1
    assert "row 1 term new: error:" in output
    assert reason in output
    assert list(Term.objects.values_list("slug", "updated_at")) == before


def test_a_dry_run_of_good_rows_writes_nothing(tmp_path):
    status, output = run_import(tmp_path, HEADER + "term,new,New,Def.,draft,,,\n", "--dry-run")
    assert status == 0
    assert "row 1 term new: created" in output
    assert "Dry run: nothing was written." in output
    assert not Term.objects.exists()


def test_one_failing_row_rolls_back_the_whole_import(tmp_path):
    make_term(slug="kept", name="Kept", short_definition="Before.")
    status, output = run_import(
        tmp_path,
        HEADER + "term,kept,Kept,After.,published,,,\nterm,bad,Bad,Def.,live,,,\n",
    )
    assert status == 1
    assert "Nothing was written" in output
    assert Term.objects.get(slug="kept").short_definition == "Before."
    assert not Term.objects.filter(slug="bad").exists()


def test_duplicate_names_within_the_file_are_errors(tmp_path):
    status, output = run_import(
        tmp_path, HEADER + "term,one,Same,Def.,draft,,,\nterm,two,same,Def.,draft,,,\n"
    )
    assert status == 1
    assert 'row 2 term two: error: Duplicate name "same": also in row 1.' in output
    assert not Term.objects.exists()


def test_rows_may_name_items_created_by_the_same_file(tmp_path):
    rows = [
        {"type": "technology", "slug": "py", "name": "Python", "summary": "A language."},
        {
            "type": "service",
            "slug": "dev",
            "title": "Dev",
            "summary": "We build.",
            "technologies": ["py"],
        },
        {"type": "term", "slug": "t", "name": "T", "short_definition": "D.", "services": ["dev"]},
    ]
    status, output = run_import(tmp_path, json.dumps(rows), suffix="json")
    assert status == 0, output
    assert [s.slug for s in Term.objects.get(slug="t").services.all()] == ["dev"]
    assert [t.slug for t in Service.objects.get(slug="dev").technologies.all()] == ["py"]


def test_an_unknown_type_is_an_error(tmp_path):
    status, output = run_import(tmp_path, "type,slug\nrecipe,soup\n")
    assert status == 1
    assert 'row 1 recipe soup: error: Unknown type "recipe"' in output


def test_imported_terms_link_each_other_once_all_are_saved(tmp_path):
    rows = [
        {
            "type": "term",
            "slug": "a",
            "name": "Alpha",
            "short_definition": "D.",
            "body": "Alpha uses Beta.",
            "status": "published",
        },
        {
            "type": "term",
            "slug": "b",
            "name": "Beta",
            "short_definition": "D.",
            "body": "Beta alone.",
            "status": "published",
        },
    ]
    status, output = run_import(tmp_path, json.dumps(rows), suffix="json")
    assert status == 0, output
    beta = Term.objects.get(slug="b")
    assert f'data-term="{beta.pk}"' in Term.objects.get(slug="a").body_html


def test_an_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="header row"):
        run_import(tmp_path, "slug,name\nx,y\n")


def rows_about(count):
    """`count` rows with relations and tags: every other one updates a stored term."""
    make_term(slug="attention", name="Attention")
    make_service(slug="audits")
    for number in range(0, count, 2):
        make_term(slug=f"t-{number}", name=f"Term {number}", tags=["ml"])
    return HEADER + "".join(
        f"term,t-{number},Term {number},New.,published,attention,audits,ml nlp\n"
        for number in range(count)
    )


# Whatever the number of rows (up to imports.LOOKUP_BATCH): the related
# terms, services and tags by slug (3); the stored items matched by slug, with
# their relations and tags (5); the names already taken, exactly and case
# aside (2). And one for each new term, or term whose name or aliases change:
# whether they are another term's alias (Term.validate_names).
DRY_RUN_QUERIES = 10


@pytest.mark.parametrize("count", [1, 30])
def test_a_dry_run_runs_the_same_queries_for_one_row_as_for_thirty(
    tmp_path, count, django_assert_num_queries
):
    """
    Guards against N+1: uniqueness and constraints are checked against values
    loaded once for the file, not by full_clean() asking for each row.
    """
    text = rows_about(count)
    new_terms = count // 2  # rows_about() stores every other one
    with django_assert_num_queries(DRY_RUN_QUERIES + new_terms):
        status, output = run_import(tmp_path, text, "--dry-run")
    assert status == 0, output
    assert f"{count} rows" in output


def test_names_taken_by_other_stored_items_are_errors_exactly_or_case_aside(tmp_path):
    make_term(slug="taken", name="Taken")
    make_term(slug="mine", name="Mine")
    status, output = run_import(
        tmp_path,
        HEADER
        + "term,exact,Taken,D.,draft,,,\n"
        + "term,mine,MINE,D.,draft,,,\n"
        + "term,cased,tAKEN,D.,draft,,,\n",
    )
    assert status == 1
    assert "row 1 term exact: error: name: Glossary term with this Name already exists." in output
    # An item may change the case of its own name.
    assert "row 2 term mine: updated (" in output
    # Also a duplicate of row 1: the file's own duplicates are reported first.
    assert "row 3 term cased: error: " in output
    assert output.count("A term with this name already exists.") == 1


# The real import writes every row with save() and sets its relations and tags
# one by one, and keeps a version of each (README, "Bulk import and export"):
# 34 for one row (at the end: the pages of each kind that mention the new
# terms are looked for, the batch's own bodies are linked in one pass, the new
# items' tags are written in one INSERT and their relations read once for
# their versions), then 11 for each further row written (its INSERT, each
# ordered relation in one INSERT, its version, and its links in the site's
# link index), and 7 more once over 5 bodies are linked or relinked at the
# end (one read of every term: glossary.autolink.FEW_BODIES, and of the
# bodies' links).
IMPORT_QUERIES = {1: 34, 30: 34 + 11 * 29 + 7}


@pytest.mark.parametrize("count", [1, 30])
def test_a_real_import_costs_a_fixed_number_of_queries_per_row_written(
    count, django_assert_num_queries
):
    """
    Guards against queries that grow faster than the rows: the lookups run
    once for the file, each written row costs the same (its save, its
    relations and tags, its version).
    """
    make_term(slug="attention", name="Attention")
    make_service(slug="audits")
    rows = [
        {
            "type": "term",
            "slug": f"t-{number}",
            "name": f"Term {number}",
            "short_definition": "New.",
            "status": "published",
            "related_terms": ["attention"],
            "services": ["audits"],
            "tags": ["ml"],
        }
        for number in range(count)
    ]
    plan = imports.plan(rows)
    # Content types are read once per process, then cached: whether an earlier
    # test read them must not change the count.
    ContentType.objects.get_for_models(Term, Service)
    with django_assert_num_queries(IMPORT_QUERIES[count]):
        imports.apply(plan)
    assert Term.objects.filter(slug__startswith="t-").count() == count


def test_an_alias_another_term_has_is_a_row_error_naming_that_term(tmp_path):
    make_term(slug="cta", name="Call To Action", aliases="CTA")
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition,aliases\nterm,button,Button,A control.,cta\n",
    )
    assert status == 1
    assert (
        "row 1 term button: error: aliases: “cta” is already an alias of the term "
        "“Call To Action”." in output
    )
    assert not Term.objects.filter(slug="button").exists()


def test_two_rows_claiming_one_alias_are_an_error(tmp_path):
    status, output = run_import(
        tmp_path,
        "type,slug,name,short_definition,aliases\n"
        "term,cta,Call To Action,A prompt.,CTA\n"
        'term,button,Button,A control.,"Push Button\ncta"\n'
        "term,push,Push Button,A push.,\n",
    )
    assert status == 1
    assert "row 2 term button: error: “cta” is also a name or alias in row 1." in output
    assert "row 3 term push: error: “Push Button” is also a name or alias in row 2." in output
    assert not Term.objects.exists()


class Terminal(StringIO):
    """Standard error as it is when the command runs in a terminal."""

    def isatty(self):
        return True


def import_quietly_or_not(tmp_path, stderr, *args):
    path = tmp_path / "content.csv"
    path.write_text(
        HEADER + "".join(f"term,t-{n},Term {n},Def.,published,,,\n" for n in range(300)),
        encoding="utf-8",
    )
    call_command("import_content", str(path), *args, stdout=StringIO(), stderr=stderr)
    return stderr.getvalue()


def test_on_a_terminal_the_import_shows_its_progress_on_standard_error(tmp_path):
    shown = import_quietly_or_not(tmp_path, Terminal())
    checking, saving, _ = shown.split("\n")
    # Redrawn in place, row by row, then finished with the time it took.
    assert checking.count("\rChecking rows") == 1 + 300 + 1  # At 0, per row, at the end.
    assert "[..............................]       0/300" in checking
    assert re.search(r"\[#{30}\]     300/300 +[0-9.]+ s$", checking)
    assert saving.count("\rSaving") == 1 + 300 + 1
    assert re.search(r"\[#{30}\]     300/300 +[0-9.]+ s$", saving)


def test_elsewhere_the_import_prints_each_stage_once_and_with_v0_nothing(tmp_path):
    shown = import_quietly_or_not(tmp_path, StringIO())
    assert [line.split("[")[0].strip() for line in shown.splitlines()] == [
        "Checking rows",
        "Saving",
    ]
    assert "\r" not in shown
    Term.objects.all().delete()
    assert import_quietly_or_not(tmp_path, Terminal(), "-v0") == ""


def test_a_failure_while_saving_rolls_back_every_row_and_says_so_in_one_line(tmp_path, monkeypatch):
    """The check stage passed: the database refuses the second row as it is saved."""
    make_term(slug="kept", name="Kept", short_definition="Before.")
    save, saved = Term.save, []

    def refusing_the_second(term, *args, **kwargs):
        saved.append(term.slug)
        if len(saved) == 2:
            raise DatabaseError("disk full")
        return save(term, *args, **kwargs)

    monkeypatch.setattr(Term, "save", refusing_the_second)
    path = tmp_path / "content.csv"
    path.write_text(
        HEADER + "term,kept,Kept,After.,published,,,\nterm,new,New,Def.,published,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_content", str(path), stdout=StringIO(), stderr=StringIO())
    assert str(refused.value) == "The import stopped while saving: disk full. Nothing was imported."
    assert refused.value.returncode == 1
    assert saved == ["kept", "new"]
    assert Term.objects.get(slug="kept").short_definition == "Before."
    assert not Term.objects.filter(slug="new").exists()
    assert not Version.objects.exists()


def test_the_import_is_attributed_to_the_user_given(tmp_path, editor):
    status, output = run_import(
        tmp_path, HEADER + "term,new,New,Def.,published,,,\n", "--user", "editor"
    )
    assert status == 0, output
    revision = Version.objects.get_for_object(Term.objects.get(slug="new")).get().revision
    assert (revision.user, revision.comment) == (editor, "Imported")


def test_an_unknown_user_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(CommandError, match=r"^There is no user 'nobody': nothing was imported\.$"):
        run_import(tmp_path, HEADER + "term,new,New,Def.,published,,,\n", "--user", "nobody")
    assert not Term.objects.exists()
