"""Revisions: every admin save is kept, two compare side by side, one restores."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from consultancy import content_types
from consultancy.models import Status
from glossary.models import Term
from services.models import Service
from tests.admin_forms import form_as_shown
from tests.factories import make_service, make_technology, make_term
from tests.test_deploy import cron_commands

pytestmark = pytest.mark.django_db

# Pinned below, whatever the number of revisions. The history: the session and
# user, the item, the permissions, the revisions with their authors, the admin
# log. The restore: the item, its revision, the write of every field, relation
# and tag, the body links and pages to refresh, and the new revision (the item
# read and serialised once, as it ends up).
HISTORY_QUERIES = 9
RESTORE_QUERIES = 45


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def save_in_admin(client, term, **changes):
    """Post the term's change form as the editor sees it, with `changes`."""
    data = {
        "name": term.name,
        "slug": term.slug,
        "short_definition": term.short_definition,
        "body": term.body,
        "related_terms": list(term.related_terms.values_list("pk", flat=True)),
        "services": list(term.services.values_list("pk", flat=True)),
        "technologies": list(term.technologies.values_list("pk", flat=True)),
        "tags": ", ".join(term.tags.names()),
        "status": term.status,
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "auto_link": "on",
        **changes,
    }
    response = client.post(admin_url(Term, "change", term.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    term.refresh_from_db()
    return term


@pytest.fixture
def term(editor_client):
    """A term saved twice in the admin: a new definition, another service and tag."""
    first_service, second_service = make_service(title="Cloud Audit"), make_service(title="MLOps")
    term = make_term(name="Foundation Model", slug="foundation-model", tags=["llm"])
    term.technologies.add(make_technology(name="PyTorch"))
    save_in_admin(editor_client, term, services=[first_service.pk])
    save_in_admin(
        editor_client,
        term,
        short_definition="A newer definition.",
        body="Now with **bold** text.",
        services=[second_service.pk],
        tags="llm, generative-ai",
    )
    return term


def versions_of(item):
    return list(Version.objects.get_for_object(item).select_related("revision__user"))


def test_every_registered_kind_keeps_revisions():
    assert all(reversion.is_registered(kind.model) for kind in content_types.kinds())


def test_each_admin_save_keeps_a_revision_with_relations_and_tags(term, editor):
    newest, older = versions_of(term)[:2]
    assert newest.revision.user == editor
    assert newest.field_dict["short_definition"] == "A newer definition."
    assert newest.field_dict["services"] == [Service.objects.get(title="MLOps").pk]
    assert newest._object_version.tag_names["tags"] == ["generative-ai", "llm"]
    assert older._object_version.tag_names["tags"] == ["llm"]
    assert len(older.field_dict["technologies"]) == 1


def test_history_links_to_the_comparison(editor_client, term):
    response = editor_client.get(admin_url(Term, "history", term.pk))
    content = response.content.decode()
    assert admin_url(Term, "compare", term.pk) in content
    assert "Compare revisions" in content


def compare(client, term, old, new):
    url = admin_url(Term, "compare", term.pk)
    return client.get(f"{url}?from={old.pk}&to={new.pk}")


def test_comparison_shows_changed_fields_and_relations_only_as_changed(editor_client, term):
    newest, older = versions_of(term)[:2]
    response = compare(editor_client, term, older, newest)
    rows = {row.label: row for row in response.context["rows"]}
    assert rows["short definition"].new == "A newer definition."
    assert rows["short definition"].old == older.field_dict["short_definition"]
    assert rows["short definition"].changed
    assert (rows["related services"].old, rows["related services"].new) == ("Cloud Audit", "MLOps")
    assert rows["Tags"].new == "generative-ai, llm"
    assert rows["Tags"].changed
    assert not rows["name"].changed
    assert not rows["related technologies"].changed
    content = response.content.decode()
    assert '<tr class="changed">' in content
    assert '<tr class="unchanged">' in content


def make_user(username, **names):
    return User.objects.create_user(username, is_staff=True, **names)


def test_comparison_names_the_owner_not_their_id(editor_client, term):
    ada = make_user("ada", first_name="Ada", last_name="Lovelace")
    save_in_admin(editor_client, term, owner=ada.pk)
    save_in_admin(editor_client, term, owner=make_user("grace").pk)
    newest, with_ada, without_owner = versions_of(term)[:3]

    owner = {
        row.label: row for row in compare(editor_client, term, with_ada, newest).context["rows"]
    }["owner"]
    assert (owner.old, owner.new) == ("Ada Lovelace", "grace")
    rows = compare(editor_client, term, without_owner, with_ada).context["rows"]
    assert [(row.old, row.new) for row in rows if row.label == "owner"] == [("—", "Ada Lovelace")]


def test_comparison_shows_a_deleted_owner_readably(editor_client, term):
    ada = make_user("ada", first_name="Ada")
    save_in_admin(editor_client, term, owner=ada.pk)
    with_ada_pk = ada.pk
    ada.delete()
    save_in_admin(editor_client, term, short_definition="Since Ada left.")
    newest, with_ada = versions_of(term)[:2]
    rows = compare(editor_client, term, with_ada, newest).context["rows"]
    assert [(row.old, row.new) for row in rows if row.label == "owner"] == [
        (f"(deleted, #{with_ada_pk})", "—")
    ]


def test_comparison_page_queries_do_not_grow_with_relations(
    editor_client, term, django_assert_num_queries
):
    """
    Guards against N+1: one query per relation, however many items it holds,
    and one for the owners of both revisions (a name, not an id, costs that one).
    """
    for _ in range(5):
        term.related_terms.add(make_term())
    save_in_admin(editor_client, term, owner=make_user("ada").pk)
    save_in_admin(
        editor_client,
        term,
        owner=make_user("grace").pk,
        short_definition="With five related terms.",
    )
    newest, older = versions_of(term)[:2]
    with django_assert_num_queries(11):
        response = compare(editor_client, term, older, newest)
    assert response.status_code == 200


def test_comparison_of_another_items_revision_is_404(editor_client, term):
    other = make_term()
    save_in_admin(editor_client, other)
    response = compare(editor_client, term, versions_of(other)[0], versions_of(term)[0])
    assert response.status_code == 404


def test_restore_brings_back_fields_relations_and_tags_as_a_new_revision(
    editor_client, editor, term, client
):
    assert "Now with <strong>bold</strong>" in client.get(term.get_absolute_url()).content.decode()
    older = versions_of(term)[1]
    response = editor_client.post(admin_url(Term, "restore", term.pk, older.pk))
    assert response.status_code == 302

    term.refresh_from_db()
    assert term.short_definition == older.field_dict["short_definition"]
    assert list(term.services.values_list("title", flat=True)) == ["Cloud Audit"]
    assert sorted(term.tags.names()) == ["llm"]
    # save() ran: the rendered body is derived again, not the stored one.
    assert "bold" not in term.body_html

    restoring = versions_of(term)[0]
    assert restoring.revision.user == editor
    assert restoring.revision.comment.startswith("Restored from revision of ")
    assert restoring._object_version.tag_names["tags"] == ["llm"]
    # One version, of the term as it ends up: its relations as restored.
    assert restoring.revision.version_set.count() == 1
    assert restoring.field_dict["services"] == list(term.services.values_list("pk", flat=True))

    page = client.get(term.get_absolute_url()).content.decode()
    assert older.field_dict["short_definition"] in page
    assert "Now with <strong>bold</strong>" not in page


def test_bulk_publish_keeps_one_revision_per_item_in_one_set(editor_client, editor):
    drafts = [make_term(status=Status.DRAFT) for _ in range(3)]
    editor_client.post(
        admin_url(Term, "changelist"),
        {"action": "publish", "_selected_action": [term.pk for term in drafts]},
    )
    revision = Revision.objects.get()
    assert revision.user == editor
    assert revision.comment == "Published"
    assert sorted(int(v.object_id) for v in revision.version_set.all()) == sorted(
        term.pk for term in drafts
    )
    assert all(v.field_dict["status"] == Status.PUBLISHED for v in revision.version_set.all())


def test_reversions_revert_form_opens_the_comparison(editor_client, term):
    newest, older = versions_of(term)[:2]
    response = editor_client.get(admin_url(Term, "revision", term.pk, older.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?from={older.pk}&to={newest.pk}")


def test_a_deleted_item_is_listed_for_recovery_and_its_form_shows_its_tags(editor_client, term):
    name = term.name
    newest = versions_of(term)[0]
    term.delete()
    listing = editor_client.get(admin_url(Term, "recoverlist"))
    assert name in listing.content.decode()
    form = editor_client.get(admin_url(Term, "recover", newest.pk))
    assert form.status_code == 200
    assert "A newer definition." in form.content.decode()
    assert "generative-ai" in form.content.decode()
    assert not Term.objects.filter(name=name).exists()


def test_a_service_is_saved_compared_and_restored_in_the_admin(editor_client, client):
    service = make_service(title="Cloud Audit", summary="The first summary.")
    pytorch, jax = make_technology(name="PyTorch"), make_technology(name="JAX")
    for summary, technology in [("The first summary.", pytorch), ("The second summary.", jax)]:
        data = form_as_shown(editor_client, service, summary=summary, technologies=[technology.pk])
        assert editor_client.post(admin_url(Service, "change", service.pk), data).status_code == 302
    newest, older = versions_of(service)[:2]

    url = admin_url(Service, "compare", service.pk)
    rows = {
        row.label: row
        for row in editor_client.get(f"{url}?from={older.pk}&to={newest.pk}").context["rows"]
    }
    assert (rows["summary"].old, rows["summary"].new) == (
        "The first summary.",
        "The second summary.",
    )
    assert (rows["technologies used"].old, rows["technologies used"].new) == ("PyTorch", "JAX")
    assert not rows["title"].changed

    response = editor_client.post(admin_url(Service, "restore", service.pk, older.pk))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.summary == "The first summary."
    assert [t.name for t in service.technologies.all()] == ["PyTorch"]
    assert versions_of(service)[0].revision.comment.startswith("Restored from revision of ")
    assert "The first summary." in client.get(service.get_absolute_url()).content.decode()


def saved_times(client, term, count):
    for n in range(count):
        save_in_admin(client, term, short_definition=f"Definition number {n}.")


@pytest.mark.parametrize("saves", [1, 6])
def test_history_page_costs_a_fixed_number_of_queries(
    editor_client, term, django_assert_num_queries, saves
):
    """Guards against N+1: each revision's author is read with it, not once per row."""
    saved_times(editor_client, term, saves)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = editor_client.get(admin_url(Term, "history", term.pk))
    assert len(response.context["versions"]) == saves + 2


@pytest.mark.parametrize("saves", [1, 6])
def test_restoring_costs_a_fixed_number_of_queries(
    editor_client, term, django_assert_num_queries, saves
):
    """Guards against N+1: older revisions (and the relations restored) cost no more queries."""
    saved_times(editor_client, term, saves)
    oldest = versions_of(term)[-1]
    with django_assert_num_queries(RESTORE_QUERIES):
        response = editor_client.post(admin_url(Term, "restore", term.pk, oldest.pk))
    assert response.status_code == 302


def test_the_nightly_clean_up_keeps_two_years_and_each_items_newest_fifty():
    [arguments] = [
        arguments for command, arguments in cron_commands() if command == "deleterevisions"
    ]
    busy, quiet = make_term(name="Busy Term"), make_term(name="Quiet Term")
    for n in range(53):
        with reversion.create_revision():
            busy.short_definition = f"Version {n}."
            busy.save()
    with reversion.create_revision():
        quiet.save()
    Revision.objects.update(date_created=timezone.now() - timedelta(days=800))
    with reversion.create_revision():
        busy.save()  # a revision of this week

    call_command("deleterevisions", *arguments, verbosity=0)

    kept = [version.field_dict["short_definition"] for version in versions_of(busy)]
    assert len(kept) == 50
    assert "Version 4." in kept
    assert "Version 3." not in kept
    # An item's only revision is old, and stays.
    assert len(versions_of(quiet)) == 1
