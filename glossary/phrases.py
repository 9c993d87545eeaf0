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
