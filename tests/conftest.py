import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from tests.factories import make_service, make_technology, make_term
from tests.servers import RedisServer


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
    # Production's default file cache is shared with every other test run:
    # each test gets a cache of its own in memory instead.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no page cached by another test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cold_cache(settings):
    """Caching off (CACHE_URL=dummy://), as in the benchmark's cold runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


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


@pytest.fixture(autouse=True)
def _searches_logged_at_once(settings):
    """Each search is written as it is made; tests/glossary/test_search_log.py tests the wait."""
    settings.SEARCH_LOG_WRITE_SECONDS = 0


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run at once in tests, as while debugging (production queues them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def enquiry_settings(settings):
    """Who is notified of enquiries, and fresh rate-limit counters (kept in the cache)."""
    from django.core.cache import cache

    settings.ENQUIRY_NOTIFY_EMAILS = ["sales@example.com"]
    settings.ENQUIRY_SEND_ACKNOWLEDGEMENT = False
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def enquiry_form_data():
    """Builds valid contact-form data, as if typed in 30 seconds after the form was shown."""
    import time

    from services.forms import sign_timestamp

    def build(**overrides):
        data = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "company": "Analytical Engines Ltd",
            "message": "We would like help evaluating a foundation model.",
            "consent": "on",
            "website": "",
            "topic": "",
            "source": "",
            "started": sign_timestamp(at=time.time() - 30),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def send_enquiry(client, enquiry_form_data, django_capture_on_commit_callbacks):
    """POSTs the contact form and runs what is queued for after the commit (the email)."""
    from django.urls import reverse

    def send(data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("services:contact"), data or enquiry_form_data(), **extra)

    return send


@pytest.fixture
def site(db):
    """A published term linked to a service and a technology: one page of each kind."""
    term = make_term(name="Foundation Model", slug="foundation-model")
    service = make_service(slug="cloud-ai-modernisation")
    technology = make_technology(slug="openai-integration")
    term.services.add(service)
    term.technologies.add(technology)
    return term, service, technology


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, for a test to stop (never the machine's)."""
    server = RedisServer().start()
    yield server
    server.remove()


@pytest.fixture
def sales_office(settings):
    """Business hours Mon-Fri 09:00-17:30 in London; Monday 12 January 2026 is a holiday."""
    settings.SALES_TIMEZONE = "Europe/London"
    settings.SALES_HOURS = "Mon-Fri 09:00-17:30"
    settings.SALES_HOLIDAYS = ["2026-01-12"]
    settings.ENQUIRY_RESPONSE_HOURS = 4
    return settings
