"""Reading rendered pages the way a visitor or a search engine would."""

import json
import re

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def text(response):
    return response.content.decode()


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", text(response)))


def structured_data(response):
    """Every JSON-LD object on the page, parsed."""
    return [json.loads(block) for block in LD_JSON.findall(text(response))]


def structured_types(response):
    return {item["@type"] for item in structured_data(response)}


def in_order(content, *snippets):
    """True when the snippets appear one after another, in this order."""
    position = 0
    for snippet in snippets:
        position = content.find(snippet, position)
        if position == -1:
            return False
        position += len(snippet)
    return True
