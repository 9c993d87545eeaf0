"""Saves outside the admin keep revisions too: the shell, load_demo; never a rolled-back one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from reversion.models import Revision, Version

from consultancy.revisions.recording import COMMENT
from glossary.models import Term
from services.models import Service, Technology
from tests.consultancy.test_revisions import save_in_admin
from tests.factories import make_service, make_technology, make_term


class Refused(Exception):
    pass


@transaction.atomic
def fails_after(change):
    change()
    raise Refused


def refused(change):
    """Run `change` in a transaction (or savepoint) that then fails: rolled back."""
    with pytest.raises(Refused):
        fails_after(change)


def versions_of(item):
    return list(Version.objects.get_for_object(item).select_related("revision"))


def shell_session(related, service, technology):
    """What an operator types in `manage.py shell`, in one transaction."""
    with transaction.atomic():
        term = Term(name="Embedding", slug="embedding", short_definition="A vector.")
        term.save()
        term.related_terms.add(related)
        term.services.add(service)
        term.technologies.add(technology)
        term.tags.add("llm", "vectors")
        term.short_definition = "A vector that stands for a text."
        term.save()
    return term


@pytest.mark.django_db(transaction=True)
def test_a_shell_save_keeps_one_version_with_its_relations_and_tags():
    related, service, technology = make_term(), make_service(), make_technology()
    term = shell_session(related, service, technology)

    (version,) = versions_of(term)
    assert version.revision.comment == COMMENT
    assert version.revision.user is None
    assert version.field_dict["short_definition"] == "A vector that stands for a text."
    assert version.field_dict["related_terms"] == [related.pk]
    assert version.field_dict["services"] == [service.pk]
    assert version.field_dict["technologies"] == [technology.pk]
    assert version._object_version.tag_names["tags"] == ["llm", "vectors"]
    # Related terms are one way: the related term itself did not change.
    assert all(v.revision != version.revision for v in versions_of(related))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_keeps_no_revision():
    term = make_term(name="Kept")
    before = Version.objects.count()

    def change():
        term.name = "Rolled back"
        term.save()
        term.tags.add("gone")
        make_term(name="Never saved")

    refused(change)
    assert Version.objects.count() == before
    assert [v.field_dict["name"] for v in versions_of(term)] == ["Kept"]


@pytest.mark.django_db(transaction=True)
def test_clearing_a_services_terms_keeps_a_revision_of_each_term():
    service = make_service()
    terms = [make_term(), make_term()]
    service.terms.set(terms)
    with transaction.atomic():
        service.terms.clear()
    for term in terms:
        assert versions_of(term)[0].field_dict["services"] == []


@pytest.mark.django_db
def test_a_save_rolled_back_to_a_savepoint_is_not_kept_but_the_rest_is(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_term(name="Kept")
        refused(lambda: make_term(name="Undone"))
        kept.tags.add("llm")
    (revision,) = Revision.objects.all()
    assert [v.object_repr for v in revision.version_set.all()] == ["Kept"]
    assert revision.version_set.get()._object_version.tag_names["tags"] == ["llm"]


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_still_keeps_exactly_one_version(admin_client, admin_user):
    term = make_term()
    save_in_admin(admin_client, term, short_definition="Edited in the admin.")
    edited, made = versions_of(term)
    assert (edited.revision.user, made.revision.user) == (admin_user, None)
    assert edited.field_dict["short_definition"] == "Edited in the admin."
    assert made.revision.comment == COMMENT


@pytest.mark.django_db
def test_an_import_still_keeps_one_revision_set(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "terms.csv"
    path.write_text("type,slug,name,short_definition,tags\nterm,t,T,D.,llm\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_content", str(path), stdout=StringIO(), stderr=StringIO())
    (revision,) = Revision.objects.all()
    assert revision.comment == "Imported"
    assert revision.version_set.count() == 1


@pytest.mark.django_db
def test_load_demo_keeps_all_its_items_as_one_revision_set(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    (revision,) = Revision.objects.all()
    assert revision.comment == "Loaded the demo content"
    assert revision.user is None
    items = [*Term.objects.all(), *Service.objects.all(), *Technology.objects.all()]
    assert revision.version_set.count() == len(items)
    foundation = Term.objects.get(slug="foundation-model")
    version = Version.objects.get_for_object(foundation).get()
    assert sorted(version.field_dict["related_terms"]) == sorted(
        foundation.related_terms.values_list("pk", flat=True)
    )
    assert version.field_dict["services"]


@pytest.mark.django_db
def test_load_demo_that_changes_nothing_keeps_no_revision(django_capture_on_commit_callbacks):
    call_command("load_demo", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert Revision.objects.count() == 1


@pytest.mark.django_db
def test_generate_content_keeps_no_revisions(django_capture_on_commit_callbacks):
    """A benchmark corpus, written in bulk: README, "Revisions"."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_content", terms=20, seed=1, stdout=StringIO())
    assert Term.objects.count() == 20
    assert not Version.objects.exists()
