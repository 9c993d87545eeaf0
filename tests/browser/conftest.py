"""
End-to-end tests in headless Chromium, driven by Playwright against pytest-django's
live server: `make test-browser` (the default `pytest` run leaves them out).

Everything runs offline: Debian's Chromium (Playwright never downloads a browser
here), axe-core and the Nu HTML checker (vnu.jar) from tests/browser/node_modules,
installed by npm from package-lock.json.
"""

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.browser.site_pages import (
    LINKED_TERM_DEFINITION,
    LINKED_TERM_NAME,
    LINKED_TERM_SLUG,
    SERVICE_SLUG,
    TECHNOLOGY_SLUG,
    TERM_NAME,
    TERM_SLUG,
)
from tests.factories import make_service, make_technology, make_term

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    # Only `make test-browser` installs Playwright (requirements-browser.txt):
    # without it, a plain `make test` must not even try to collect these tests.
    collect_ignore_glob = ["test_*.py"]

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
NODE_MODULES = BROWSER_TESTS_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a 2-core CI machine, short enough that a hang fails fast.
TIMEOUT_MS = 15_000


def require_file(path, how_to_get_it):
    if not path.is_file():
        pytest.fail(f"{path} is missing: {how_to_get_it}", pytrace=False)


@pytest.fixture(scope="session")
def _plain_http_server_settings():
    """
    The live server speaks plain HTTP. SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server builds its handler, so the
    per-test override in tests/conftest.py comes too late for it: without this
    every page would redirect to https:// and never load.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def live_server(_plain_http_server_settings, live_server):
    """pytest-django's live server, started after the settings above."""
    return live_server


@pytest.fixture(scope="session")
def playwright():
    # Playwright's sync API keeps its asyncio loop marked as running in this
    # thread between calls, and Django then refuses ORM calls from the test
    # ("SynchronousOnlyOperation"). The test code is plain synchronous code
    # that never runs inside that loop, so the guard is safe to lift here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright):
    """One Chromium for the whole run; each test gets fresh contexts."""
    require_file(CHROMIUM, "install Debian's chromium package: apt-get install -y chromium")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """
    Make a browser context on the live server (relative URLs work), e.g.
    new_context(java_script_enabled=False). Closed after the test.
    """
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page with the site's defaults: JavaScript on, its CSP enforced."""
    return new_context().new_page()


@pytest.fixture
def axe_js():
    require_file(AXE_JS, "run `npm ci --prefix tests/browser` (make test-browser does)")
    return AXE_JS


@pytest.fixture
def vnu_jar():
    require_file(VNU_JAR, "run `npm ci --prefix tests/browser` (make test-browser does)")
    if shutil.which("java") is None:
        pytest.fail("java is missing: install a Java runtime (17 or newer)", pytrace=False)
    return VNU_JAR


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    The database is emptied after each test; cached pages and the contact
    form's rate-limit counters must not outlive it either. The live server
    runs in this process, so this clears its cache too.
    """
    cache.clear()
    yield
    cache.clear()


LLM_BODY = """\
A large language model is a neural network, nearly always a Transformer, trained to
predict the next token of a text. It is the best-known kind of foundation model.

## Where it fits

- Grounded in your own documents with retrieval
- Adapted to your tasks through Fine-Tuning
- Checked before release by evaluation on your data

| Size | Typical use |
| --- | --- |
| Small | Assistants that run on a laptop |
| Large | Open-ended research and writing |

Call it with `client.generate(prompt)`, or read
[the paper that introduced the architecture](https://arxiv.org/abs/1706.03762).
"""


@pytest.fixture
def site(live_server):
    """
    A small published site with something in every section of every page:
    a term with an abbreviation, auto-links, three related terms, services,
    technologies and tags; services and technologies linked to each other.
    """
    pytorch = make_technology(
        name="PyTorch",
        slug=TECHNOLOGY_SLUG,
        summary="Training and serving custom models with the PyTorch framework.",
        body="We train, fine-tune and profile **PyTorch** models.\n\n- Training\n- Serving",
    )
    hugging_face = make_technology(
        name="Hugging Face",
        slug="hugging-face",
        summary="Open-weight models from the Hugging Face Hub, adapted and deployed.",
    )
    openai = make_technology(
        name="OpenAI Integration",
        slug="openai-integration",
        summary="Hosted OpenAI models wired safely into your products.",
    )
    rag = make_service(
        title="Retrieval-Augmented Generation Solutions",
        slug=SERVICE_SLUG,
        summary="Assistants that answer from your own documents, with sources.",
        body="## How we work\n\nWe index your documents, then measure answer quality.",
    )
    rag.technologies.set([pytorch, hugging_face])
    training = make_service(
        title="Custom Model Training",
        slug="custom-model-training",
        summary="Models trained or distilled on your data, sized for your budget.",
    )
    training.technologies.set([pytorch])
    strategy = make_service(
        title="AI Strategy Assessment",
        slug="ai-strategy-assessment",
        summary="A short study of where AI pays off for you, and where it does not.",
    )
    foundation = make_term(
        name=LINKED_TERM_NAME,
        slug=LINKED_TERM_SLUG,
        short_definition=LINKED_TERM_DEFINITION,
        body="Trained once at great expense, then adapted to many tasks.",
        tags=["Generative AI"],
    )
    transformer = make_term(
        name="Transformer",
        slug="transformer",
        short_definition="A neural network architecture built on attention.",
    )
    tokenization = make_term(
        name="Tokenization",
        slug="tokenization",
        short_definition="Splitting text into the units a model reads, called tokens.",
    )
    make_term(
        name="Fine-Tuning",
        slug="fine-tuning",
        short_definition="Further training of a pre-trained model on a smaller, focused data set.",
    )
    make_term(
        name="4-bit Quantisation",
        slug="4-bit-quantisation",
        short_definition="Storing model weights in four bits each to save memory.",
    )
    # Made last, so that every term its body names is already published.
    term = make_term(
        name=TERM_NAME,
        slug=TERM_SLUG,
        abbreviation="LLM",
        aliases="Large-Scale Language Model\nLarge Text Model",
        short_definition=(
            "A neural network trained on vast amounts of text to predict the next token, "
            "able to understand and generate language."
        ),
        body=LLM_BODY,
        tags=["LLM", "Generative AI"],
    )
    term.related_terms.set([foundation, transformer, tokenization])
    term.services.set([rag, training, strategy])
    term.technologies.set([pytorch, hugging_face, openai])
    return SimpleNamespace(term=term, linked_term=foundation, service=rag, technology=pytorch)


STAFF_PASSWORD = "a long enough password for an editor"


def log_in(page, username, password=STAFF_PASSWORD):
    """Through the admin's login form, as a person would."""
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def editor(live_server):
    """
    A staff member who may edit terms. Given the permissions directly: the
    live server's database is flushed between tests, and with it the groups
    that a data migration made (permissions are made again after a flush).
    """
    user = User.objects.create_user("writer", "writer@example.com", STAFF_PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="glossary", codename__in=["view_term", "change_term"]
        )
    )
    return user


@pytest.fixture
def editor_page(new_context, editor):
    """A desktop browser page with the editor logged in to the admin."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, editor.username)
    return page
