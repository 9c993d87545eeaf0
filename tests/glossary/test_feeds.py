"""The Atom feed of new terms: what a feed reader receives."""

import html
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.factories import make_term

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)


def elements_built_from(markup):
    """The elements a reader builds when it renders `markup` as HTML."""
    collector = ElementCollector()
    collector.feed(markup)
    collector.close()
    return collector.elements


def summaries(client):
    feed = ET.fromstring(client.get("/glossary/feed/").content)
    return feed.findall("atom:entry/atom:summary", ATOM)


def test_a_definition_with_markup_arrives_as_text_not_live_html(client):
    definition = '<b onclick="alert(1)">Bold</b> & <img src=x onerror=alert(2)> claims'
    make_term(name="Sneaky", short_definition=definition)
    [summary] = summaries(client)
    # Readers render an html summary: it builds no element and reads as typed.
    assert summary.get("type") == "html"
    assert elements_built_from(summary.text) == []
    assert html.unescape(summary.text) == definition


def test_a_plain_definition_reads_as_typed(client):
    make_term(name="Plain", short_definition="Research & development, in one word.")
    [summary] = summaries(client)
    assert html.unescape(summary.text) == "Research & development, in one word."
