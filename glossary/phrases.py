"""
How names are compared when auto-linking: as runs of words, lower-cased and
single-spaced, so that "NVIDIA NIM & Triton" and "nvidia nim triton" are the
same phrase. Shared by the model (which stores each name's key) and the linker.
"""

import re

WORD = re.compile(r"[\w][\w'’-]*[\w]|[\w]", re.UNICODE)
MAX_WORDS_IN_A_NAME = 8


def phrase_key(text):
    """How a phrase is looked up: its words, lower-cased, single-spaced."""
    return " ".join(word.lower() for word in WORD.findall(text))


def plural_forms(phrase):
    """The phrase and its plural ("model" → "models", "entity" → "entities")."""
    yield phrase
    if phrase.endswith(("s", "x", "z", "ch", "sh")):
        yield phrase + "es"
    elif phrase.endswith("y") and len(phrase) > 1 and phrase[-2] not in "aeiou":
        yield phrase[:-1] + "ies"
    else:
        yield phrase + "s"


def singular_forms(phrase):
    """What a plural-looking phrase could be the plural of ("models" → "model")."""
    if phrase.endswith("ies"):
        yield phrase[:-3] + "y"
    if phrase.endswith("es"):
        yield phrase[:-2]
    if phrase.endswith("s"):
        yield phrase[:-1]


def cleaned_names(text):
    """
    The names of a one-per-line list (a term's aliases): each single-spaced,
    blank lines dropped, and each phrase once (the first spelling kept).
    """
    names, keys = [], set()
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        key = phrase_key(name)
        if key and key not in keys:
            keys.add(key)
            names.append(name)
    return names


# How a term's alias keys are stored in one column: each between two bars
# ("|cta|call to action|"), so that one key is found with a plain contains
# lookup ("|cta|") on any database. A phrase key never holds a bar.
KEY_SEPARATOR = "|"


def packed_keys(keys):
    """Keys as the column stores them; "" for none."""
    keys = list(keys)
    return f"{KEY_SEPARATOR}{KEY_SEPARATOR.join(keys)}{KEY_SEPARATOR}" if keys else ""


def unpacked_keys(packed):
    return [key for key in (packed or "").split(KEY_SEPARATOR) if key]


def packed_key(key):
    """What a packed column contains when it holds `key`."""
    return f"{KEY_SEPARATOR}{key}{KEY_SEPARATOR}"
