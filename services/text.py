"""What a visitor typed, made safe to store, show and put in an email header."""


def printable(value, max_length):
    """`value` without control characters, cut to `max_length`: safe to store and show."""
    return "".join(c for c in str(value) if c.isprintable())[:max_length]


def one_line(text):
    """Text safe for an email header: every run of whitespace or control characters is a space."""
    cleaned = "".join(c if c.isprintable() else " " for c in str(text))
    return " ".join(cleaned.split())
