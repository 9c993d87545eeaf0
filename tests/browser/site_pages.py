"""
Every page type of the public site, as the browser tests visit them, and the
small site they are visited on (built by the `site` fixture in conftest.py).
"""

import re
import time

from django.conf import settings

# The term page under test: it has an abbreviation, aliases ("Also known as"),
# a Markdown body that names other published terms (so it carries auto-links),
# three related terms, three services, three technologies and two tags.
TERM_NAME = "Large Language Model"
TERM_SLUG = "large-language-model"
# The term the body auto-links to, and the words that carry the link.
LINKED_TERM_NAME = "Foundation Model"
LINKED_TERM_SLUG = "foundation-model"
LINKED_TERM_DEFINITION = (
    "A large model trained on broad data at scale that can be adapted to a wide range of tasks."
)
LINK_TEXT = "foundation model"
SERVICE_SLUG = "rag-solutions"
TECHNOLOGY_SLUG = "pytorch"

CONTACT_WITH_ERRORS = "contact-with-errors"

# Page type -> the path a visitor opens (None: reached by sending a form).
PAGES = {
    "home": "/",
    "glossary-index": "/glossary/",
    "glossary-letter": "/glossary/letter/f/",
    "search-results": "/glossary/?q=model",
    "search-empty": "/glossary/?q=zzzz",
    "glossary-tag": "/glossary/?tag=llm",
    "term": f"/glossary/{TERM_SLUG}/",
    "service-list": "/services/",
    "service": f"/services/{SERVICE_SLUG}/",
    "technology-list": "/technologies/",
    "technology": f"/technologies/{TECHNOLOGY_SLUG}/",
    "contact": "/contact/",
    "contact-about-term": f"/contact/?topic=term:{TERM_SLUG}",
    CONTACT_WITH_ERRORS: None,
    "contact-thanks": "/contact/thanks/",
    "privacy": "/privacy/",
    "not-found": "/no-such-page/",
}
EXPECTED_STATUS = {"not-found": 404}

# What the contact form says when the message is missing (services/forms.py):
# proof that the page under test really is the form showing its errors.
MISSING_MESSAGE_ERROR = "Please write a message."


def contact_form(page):
    """The enquiry form (the one with a "Your name" field), not the search form."""
    return page.locator("form").filter(has=page.get_by_label("Your name"))


def is_document_post(response):
    return response.request.method == "POST" and response.request.resource_type == "document"


def send_contact_form_with_errors(page):
    """
    Open /contact/ and send it with an invalid email address, no message and no
    consent, returning the response to the POST. Needs JavaScript: the browser's
    own validation (required, type=email) would stop the form from being sent,
    so it is switched off, as it is for a visitor whose browser has none.
    """
    open_path(page, PAGES["contact"])
    form = contact_form(page)
    form.get_by_label("Your name").fill("Ada Lovelace")
    form.get_by_label("Email address").fill("not-an-email")
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_response(is_document_post) as posted:
        form.get_by_role("button").click()
    response = posted.value
    page.wait_for_load_state("load")
    assert response.status < 500, f"POST /contact/ answered {response.status}"
    assert MISSING_MESSAGE_ERROR in page.content(), (
        "after sending the contact form without a message, the page does not show "
        f"{MISSING_MESSAGE_ERROR!r}: it is not the form with its errors"
    )
    return response


def send_contact_form(page, shown_at, **more_fields):
    """
    Fill in the contact form on `page` as Ada Lovelace (and `more_fields`,
    {label: value}) and send it once the time trap has passed since the form
    was shown (`shown_at`, time.monotonic()), so that it is taken as a person's.
    """
    form = contact_form(page)
    form.get_by_label("Your name").fill("Ada Lovelace")
    form.get_by_label("Email address").fill("ada@example.com")
    for label, value in more_fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_label("How can we help?").fill("We would like an LLM to answer from our manuals.")
    form.get_by_role("checkbox").check()
    time.sleep(max(0.0, settings.ENQUIRY_MIN_FILL_SECONDS + 1 - (time.monotonic() - shown_at)))
    form.get_by_role("button").click()


def open_path(page, path, expected_status=200):
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == expected_status, (
        f"GET {path} answered {response.status}, expected {expected_status}"
    )
    return response


def open_page(page, name):
    """Open one page type and return the response that carried its HTML."""
    if name == CONTACT_WITH_ERRORS:
        return send_contact_form_with_errors(page)
    return open_path(page, PAGES[name], EXPECTED_STATUS.get(name, 200))


def path_pattern(path):
    """A regular expression for a URL that ends in `path` (optionally with a query)."""
    return re.compile(re.escape(path) + r"(\?.*)?$")
