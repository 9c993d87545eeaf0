"""What a visitor typed, made safe to store, show and put in an email header."""

import re
import unicodedata

# Joiners change how neighbouring letters or emoji are drawn, never the order
# or the visibility of text: Persian, Indic scripts and emoji sequences need them.
JOINERS = frozenset("\u200c\u200d")
# Control (Cc), format (Cf: bidirectional overrides and isolates, invisible
# separators, the BOM…) and line or paragraph separator characters: invisible,
# and able to reorder what is shown around them or to break a header or a CSV row.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# "=?" opens an RFC 2047 encoded word, which mail programs decode into other
# text: another address, a line break. Nothing a visitor typed may contain one.
ENCODED_WORD_START = re.compile(r"=+\?")
# A path on this site. "//host" and "/\host" are other sites to a browser, which
# also reads "\" as "/" and drops tabs and line breaks anywhere in a URL.
SITE_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


def is_hidden(character):
    """Whether a character is invisible or changes how the text around it is shown."""
    return character not in JOINERS and unicodedata.category(character) in HIDDEN_CATEGORIES


def printable(value, max_length):
    """`value` without control characters, cut to `max_length`: safe to store and show."""
    return "".join(c for c in str(value) if c.isprintable())[:max_length]


def one_line(text):
    """
    Text safe for an email header: every run of whitespace, control or format
    characters is one space, and nothing in it can be read as an encoded word.
    """
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return ENCODED_WORD_START.sub("?", cleaned)


def is_plain_address(email):
    """
    Whether a (validated) email address can go into an address header as it is.
    Django's validator accepts quoted local parts with control characters and
    encoded words ("=?utf-8?q?…?=@example.com"), which the email package would
    decode into another address or a line break; no person has such an address.
    """
    return '"' not in email and "=?" not in email and not any(map(is_hidden, email))


def reveal_hidden(text):
    """
    `text` with each hidden character (controls other than tab and line breaks,
    format characters, separators) shown as its code point, e.g. "[U+202E]": for
    the admin and the CSV, where stored text must never reorder or hide itself.
    """
    return "".join(
        f"[U+{ord(c):04X}]" if is_hidden(c) and c not in "\t\n\r" else c for c in str(text)
    )


def is_site_path(value):
    """Whether `value` is a path on this site, safe to use as a link (never another host)."""
    return SITE_PATH.fullmatch(str(value)) is not None
