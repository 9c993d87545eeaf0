import pytest
from django.contrib.auth.models import Group, User


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Test-only speedups and storage: nothing here changes what a user sees."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Hashed static names need `collectstatic`; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def make_staff(username, group_name):
    user = User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    """A staff member in the Editors group (created by a data migration)."""
    return make_staff("editor", "Editors")


@pytest.fixture
def sales(db):
    """A staff member in the Sales group (created by a data migration)."""
    return make_staff("sales", "Sales")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def sales_client(client, sales):
    client.force_login(sales)
    return client
