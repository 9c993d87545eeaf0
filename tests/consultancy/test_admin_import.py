import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultancy import content_types
from consultancy.admin_import import MAX_UPLOAD_BYTES
from glossary.models import Term
from tests.factories import make_term

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:glossary_term_import"
# Session and user; a preview adds the bulk lookups (tags, the stored items
# by slug, the names taken exactly and case aside), whatever the rows, and
# one per new term: whether its name is another term's alias (Term.clean).
GET_QUERIES = 4
PREVIEW_QUERIES = 9


def upload(client, text, name="terms.csv"):
    return client.post(
        reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, text.encode())}, follow=False
    )


def test_the_preview_shows_each_row_and_writes_nothing_until_confirmed(editor_client):
    make_term(slug="old", name="Old", short_definition="Before.")
    response = upload(
        editor_client,
        "type,slug,name,short_definition\nterm,old,Old,After.\nterm,new,New,Def.\n",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "row 1 term old: updated (short_definition)" in page
    assert "row 2 term new: created" in page
    assert not Term.objects.filter(slug="new").exists()

    confirmed = editor_client.post(reverse(IMPORT_URL), {"data": response.context["signed"]})
    assert confirmed.status_code == 302
    assert Term.objects.get(slug="old").short_definition == "After."
    assert Term.objects.filter(slug="new").exists()


def test_a_preview_with_errors_offers_no_confirm(editor_client):
    response = upload(editor_client, "type,slug,name,short_definition,status\nterm,x,X,D.,live\n")
    page = response.content.decode()
    assert "row 1 term x: error: status: Value &#x27;live&#x27; is not a valid choice." in page
    assert response.context["signed"] is None
    assert "Confirm import" not in page


def test_an_altered_confirmation_is_refused(editor_client):
    response = editor_client.post(reverse(IMPORT_URL), {"data": "tampered"})
    assert "The preview has expired or was altered" in response.content.decode()
    assert not Term.objects.exists()


def test_a_file_over_the_limit_is_refused_with_a_clear_message(editor_client):
    response = upload(editor_client, "type,slug\n" + "x" * MAX_UPLOAD_BYTES)
    assert "larger than 2 MB" in response.content.decode()


def test_rows_of_another_kind_are_errors_on_a_kinds_import_page(editor_client):
    response = upload(editor_client, json.dumps([{"type": "service", "slug": "s"}]), "s.json")
    assert "Only &quot;term&quot; rows are imported here." in response.content.decode()


def test_the_export_action_downloads_the_selected_rows_as_json(editor_client):
    chosen = make_term(slug="chosen")
    make_term(slug="other")
    response = editor_client.post(
        reverse("admin:glossary_term_changelist"),
        {"action": "export_json", "_selected_action": [chosen.pk]},
    )
    assert response["Content-Type"].startswith("application/json")
    assert [row["slug"] for row in json.loads(response.content)] == ["chosen"]


def test_the_export_action_downloads_csv(editor_client):
    chosen = make_term(slug="chosen")
    response = editor_client.post(
        reverse("admin:glossary_term_changelist"),
        {"action": "export_csv", "_selected_action": [chosen.pk]},
    )
    assert response.content.decode().splitlines()[0].startswith("type,slug,")


def test_the_import_page_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    """Guards against N+1: the upload page, and a preview's bulk lookups."""
    editor_client.get(reverse(IMPORT_URL))
    with django_assert_num_queries(GET_QUERIES):
        editor_client.get(reverse(IMPORT_URL))
    with django_assert_num_queries(PREVIEW_QUERIES):
        upload(editor_client, "type,slug,name,short_definition,tags\nterm,t,T,D.,a b\n")


def test_an_import_is_kept_as_one_revision_set_attributed_to_the_editor(editor_client, editor):
    from reversion.models import Revision

    make_term(slug="old", name="Old", short_definition="Before.")
    preview = upload(
        editor_client,
        "type,slug,name,short_definition\nterm,old,Old,After.\nterm,new,New,Def.\n",
    )
    editor_client.post(reverse(IMPORT_URL), {"data": preview.context["signed"]})
    (revision,) = Revision.objects.all()
    assert revision.user == editor
    assert revision.get_comment() == "Imported"
    assert sorted(v.object_repr for v in revision.version_set.all()) == ["New", "Old"]


def admin_url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("kind", content_types.kinds(), ids=lambda kind: kind.name)
def test_every_kinds_changelist_links_its_import_page_beside_add(editor_client, kind):
    page = editor_client.get(admin_url(kind.model, "changelist")).content.decode()
    tools = page[page.index('<ul class="object-tools">') :]
    tools = tools[: tools.index("</ul>")]
    assert f'href="{admin_url(kind.model, "add")}"' in tools
    assert f'href="{admin_url(kind.model, "import")}"' in tools
    assert f"Import {kind.model._meta.verbose_name_plural}" in tools


@pytest.mark.parametrize("codenames", [["view_term"], ["view_term", "change_term"]])
def test_staff_who_may_not_add_and_change_see_no_import_link(client, codenames):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    response = client.get(admin_url(Term, "changelist"))
    assert response.status_code == 200
    assert response.context["has_import_permission"] is False
    assert admin_url(Term, "import") not in response.content.decode()
    assert client.get(admin_url(Term, "import")).status_code == 403
