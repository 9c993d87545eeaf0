"""Small builders for test data: each makes a valid, published item by default."""

import itertools

from django.contrib.auth.models import Group, User

from consultancy.models import Status
from glossary.models import Term
from services.models import (
    Enquiry,
    RoutingRule,
    SalesAvailability,
    Service,
    Technology,
)

_numbers = itertools.count(1)


def make_term(**overrides):
    n = next(_numbers)
    values = {
        "name": f"Term {n}",
        "slug": f"term-{n}",
        "short_definition": f"The definition of term number {n}.",
        "body": f"Term {n} explained in depth.",
        "status": Status.PUBLISHED,
    }
    values.update(overrides)
    tags = values.pop("tags", [])
    term = Term.objects.create(**values)
    if tags:
        term.tags.set(tags)
    return term


def make_service(**overrides):
    n = next(_numbers)
    values = {
        "title": f"Service {n}",
        "slug": f"service-{n}",
        "summary": f"What service {n} does for clients.",
        "body": f"Service {n} in depth.",
        "status": Status.PUBLISHED,
    }
    values.update(overrides)
    return Service.objects.create(**values)


def make_technology(**overrides):
    n = next(_numbers)
    values = {
        "name": f"Technology {n}",
        "slug": f"technology-{n}",
        "summary": f"What we do with technology {n}.",
        "body": f"Technology {n} in depth.",
        "status": Status.PUBLISHED,
    }
    values.update(overrides)
    return Technology.objects.create(**values)


def make_enquiry(**overrides):
    """A stored enquiry, as the contact form would record it (topic: a term, service…)."""
    n = next(_numbers)
    values = {
        "name": f"Visitor {n}",
        "email": f"visitor{n}@example.com",
        "message": f"Message number {n}.",
        "consent_text": "I agree.",
    }
    topic = overrides.pop("topic", None)
    values.update(overrides)
    enquiry = Enquiry(**values)
    if topic is not None:
        enquiry.topic = topic
    enquiry.save()
    return enquiry


def make_sales_user(username, *, first_name="", last_name="", teams=(), available=True):
    """An active staff member of the Sales group (and of `teams`), away when not `available`."""
    user = User.objects.create_user(
        username,
        f"{username}@example.com",
        "pw",
        is_staff=True,
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(Group.objects.get(name="Sales"), *teams)
    if not available:
        SalesAvailability.objects.create(user=user, is_available=False)
    return user


def make_rule(match, **overrides):
    """An active routing rule (give owner= or team=)."""
    return RoutingRule.objects.create(match=match, **overrides)
