"""
How a visitor qualified their enquiry (budget range, timeline): the labels
sales read for the stored values, from ENQUIRY_BUDGET_CHOICES and
ENQUIRY_TIMELINE_CHOICES. A value since removed from the settings is shown
as stored, never lost.
"""

from django.conf import settings


def choice_label(choices, value):
    return dict(choices).get(value, value)


def qualification(enquiry):
    """{"budget": label, "timeline": label}, "" for what the visitor left blank."""
    return {
        "budget": choice_label(settings.ENQUIRY_BUDGET_CHOICES, enquiry.budget),
        "timeline": choice_label(settings.ENQUIRY_TIMELINE_CHOICES, enquiry.timeline),
    }
