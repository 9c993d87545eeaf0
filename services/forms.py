"""The contact form: what a visitor may send, and every message they see about it."""

import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import format_html

from consultancy.links import url_for
from services.journey import clean_journey
from services.models.enquiry import (
    COMPANY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    resolve_topic,
)
from services.text import is_hidden, printable

# The consent text is stored with each enquiry exactly as shown, so changing
# the wording here changes what later enquiries record, never earlier ones.
CONSENT_TEXT = (
    "I agree that {site_name} may store these details and contact me about this "
    "enquiry, as described in its {privacy_notice}."
)
TIMESTAMP_SALT = "services.contact-form.started"
# Characters allowed in a message besides printable ones: tab and line breaks.
MESSAGE_WHITESPACE = {"\t", "\n", "\r"}
EMAIL_INVALID = "Please enter an email address like name@example.com."


def sign_timestamp(at=None):
    """The signed moment a form was shown (tests pass `at` to fake its age)."""
    return signing.dumps(int(time.time() if at is None else at), salt=TIMESTAMP_SALT)


def form_age(token):
    """Seconds since the signed moment in `token`, or None if it is missing or forged."""
    try:
        started = signing.loads(token, salt=TIMESTAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(started, int):
        return None
    return time.time() - started


class PlainText:
    """
    Refuses what no visitor types on purpose and what can break an email
    header, a CSV file or how the admin shows text: control characters, Unicode
    line or paragraph separators and, on a single line, format characters such
    as the bidirectional overrides (U+202E), which can make text read backwards
    (joiners are fine: services/text.py). A multi-line field accepts tabs and
    line breaks, and its format characters are removed instead (a long message
    is not retyped for an invisible mark): EnquiryForm.clean_message. NUL is
    left to Django's own validator, which every CharField runs.
    """

    def __init__(self, what, multiline=False):
        self.what = what
        self.multiline = multiline
        self.allowed = MESSAGE_WHITESPACE if multiline else frozenset()

    def __call__(self, value):
        for character in value:
            if character in self.allowed or character == "\x00" or not is_hidden(character):
                continue
            if unicodedata.category(character) == "Cf":
                if self.multiline:
                    continue
                raise ValidationError(
                    format_character_message(self.what, character), code="format_character"
                )
            if character in "\r\n\u2028\u2029" and not self.multiline:
                raise ValidationError(
                    f"Please write {self.what} on a single line.", code="line_break"
                )
            raise ValidationError(control_character_message(self.what), code="control_character")


def control_character_message(what):
    return (
        f"Please retype {what}: it contains an invisible control character "
        "that cannot be sent (this can happen when pasting)."
    )


def format_character_message(what, character):
    name = unicodedata.name(character, "unnamed").lower()
    return (
        f"Please retype {what} without the invisible formatting character it contains "
        f"(U+{ord(character):04X}, {name}): it changes how text is shown, so we cannot "
        "accept it (this can happen when pasting)."
    )


def without_format_characters(text):
    return "".join(c for c in text if not (is_hidden(c) and unicodedata.category(c) == "Cf"))


def plain_address(value):
    """
    Quoted local parts and encoded words ("=?utf-8?q?…?=@example.com") are
    valid to Django but would be decoded into another address or a line break
    in the Reply-To header (services/text.py is_plain_address).
    """
    if '"' in value or "=?" in value:
        raise ValidationError(EMAIL_INVALID, code="invalid")


def too_long(what, limit):
    # %(show_value)d is filled in by Django's MaxLengthValidator.
    return f"Please keep {what} to at most {limit} characters (it has %(show_value)d)."


class HiddenValue(forms.CharField):
    """
    A hidden field that the form fills in when it is shown. Its clean_<name>()
    method makes any bad value harmless, so none (not even NUL) is an error
    that a visitor would see and could not correct.
    """

    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False)
        self.validators = []


class EnquiryForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX_LENGTH,
        validators=[PlainText("your name")],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Please tell us your name.",
            "max_length": too_long("your name", NAME_MAX_LENGTH),
            "null_characters_not_allowed": control_character_message("your name"),
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        validators=[PlainText("the email address"), plain_address],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We reply to this address.",
        error_messages={
            "required": "Please give an email address so that we can reply.",
            "invalid": EMAIL_INVALID,
            "max_length": too_long("the email address", EMAIL_MAX_LENGTH),
            "null_characters_not_allowed": control_character_message("the email address"),
        },
    )
    company = forms.CharField(
        label="Company or organisation (optional)",
        required=False,
        max_length=COMPANY_MAX_LENGTH,
        validators=[PlainText("the company name")],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={
            "max_length": too_long("the company name", COMPANY_MAX_LENGTH),
            "null_characters_not_allowed": control_character_message("the company name"),
        },
    )
    message = forms.CharField(
        label="How can we help?",
        max_length=MESSAGE_MAX_LENGTH,
        validators=[PlainText("your message", multiline=True)],
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"What you are working on and what you need. At most {MESSAGE_MAX_LENGTH:,} "
        "characters.",
        error_messages={
            "required": "Please write a message.",
            "max_length": too_long("your message", MESSAGE_MAX_LENGTH),
            "null_characters_not_allowed": control_character_message("your message"),
        },
    )
    # Contacts: optional qualification, choices from settings (read per form,
    # so that a settings override applies at once).
    budget = forms.ChoiceField(
        label="Budget (optional)",
        required=False,
        choices=lambda: [("", "Prefer not to say"), *settings.ENQUIRY_BUDGET_CHOICES],
    )
    timeline = forms.ChoiceField(
        label="When would you like to start? (optional)",
        required=False,
        choices=lambda: [("", "Prefer not to say"), *settings.ENQUIRY_TIMELINE_CHOICES],
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Please agree to the privacy notice so that we can store and answer "
            "your enquiry."
        },
    )
    # The honeypot: hidden from sighted visitors by CSS, and labelled so that
    # screen-reader users know to leave it alone. Only bots fill it in.
    website = forms.CharField(
        label="Leave this field empty (it is a trap for automated spam)",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # Filled in when the form is shown; bad values are ignored, never shown.
    topic = HiddenValue()
    source = HiddenValue()
    started = HiddenValue()
    # Filled in by static/js/journey.js from sessionStorage; empty without it.
    journey = HiddenValue()

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_label()

    @staticmethod
    def consent_text():
        """The consent wording as plain text, stored with the enquiry."""
        return CONSENT_TEXT.format(
            site_name=settings.SITE_NAME,
            privacy_notice=f"privacy notice ({url_for('privacy')})",
        )

    @staticmethod
    def consent_label():
        """The same wording, with a link to the privacy notice."""
        return format_html(
            CONSENT_TEXT,
            site_name=settings.SITE_NAME,
            privacy_notice=format_html('<a href="{}">privacy notice</a>', url_for("privacy")),
        )

    @classmethod
    def initial_for(cls, topic_value, source):
        """Initial values when the form is shown: its topic, page and start time."""
        return {
            "topic": str(topic_value or "")[:200],
            "source": printable(source or "", URL_MAX_LENGTH),
            "started": sign_timestamp(),
        }

    def clean_topic(self):
        """The published page the enquiry is about; anything else means none."""
        return resolve_topic(self.cleaned_data.get("topic"))

    def clean_message(self):
        message = without_format_characters(self.cleaned_data.get("message", "")).strip()
        if not message:
            required = self.fields["message"].error_messages["required"]
            raise ValidationError(required, code="required")
        return message

    def clean_source(self):
        return printable(self.cleaned_data.get("source", ""), URL_MAX_LENGTH)

    def clean_started(self):
        """Seconds the visitor took, or None when the timestamp is missing or forged."""
        return form_age(self.cleaned_data.get("started", ""))

    def clean_journey(self):
        """The pages read before writing; anything malformed is dropped, never an error."""
        return clean_journey(self.cleaned_data.get("journey", ""))

    def clean_website(self):
        # Whatever a bot typed, the value only matters as "filled in or not".
        return bool(self.cleaned_data.get("website", "").strip())

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["consent_text"] = self.consent_text()
        # A form kept open for hours is refused outright (not stored): a person
        # simply sends it again, with a fresh timestamp; a replaying bot does not.
        age = cleaned_data.get("started")
        if age is not None and age > settings.ENQUIRY_MAX_FORM_AGE_SECONDS:
            self.data = self.data.copy()
            self.data["started"] = sign_timestamp()
            raise ValidationError(
                "This form was opened a long time ago and has expired. "
                "Please check your details and send it again.",
                code="expired",
            )
        return cleaned_data

    @cached_property
    def topic_item(self):
        """The page this form is about, for "About: …" above the form."""
        if not self.is_bound:
            return resolve_topic(self.initial.get("topic"))
        if "topic" in getattr(self, "cleaned_data", {}):
            return self.cleaned_data["topic"]
        return resolve_topic(self.data.get("topic"))

    @property
    def error_summary(self):
        """(field id, message) for every error, in form order, for the summary at the top."""
        summary = [(None, error) for error in self.non_field_errors()]
        for field in self.visible_fields():
            summary.extend((field.id_for_label, error) for error in field.errors)
        for field in self.hidden_fields():
            summary.extend((None, error) for error in field.errors)
        return summary
