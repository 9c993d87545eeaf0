"""
Assigning an enquiry when it is recorded: the first active routing rule (in
`order`) whose match fits the enquiry's topic names its owner, or the next
available member of its team in turn. No rule, or a team with nobody
available: the enquiry stays unassigned and goes to ENQUIRY_NOTIFY_EMAILS.
"""

from services.models import RoutingRule, SalesAvailability
from services.models.routing import sales_users


def topic_key(topic):
    """The contact form's key of a topic item ("term:<slug>"), or "" for none."""
    return f"{topic._meta.model_name}:{topic.slug}" if topic is not None else ""


def matching_rule(topic):
    """The first active rule for an enquiry about `topic` (a page or None), or None."""
    rules = list(RoutingRule.objects.filter(is_active=True).select_related("owner"))
    key = topic_key(topic)
    tags = set()
    if topic is not None and any(rule.match.startswith("tag:") for rule in rules):
        tags = set(topic.tags.values_list("slug", flat=True))
    return next((rule for rule in rules if rule.matches(key, tags)), None)


def available_members(team):
    """The team's Sales users who are not marked away, in a fixed order (by id)."""
    away = SalesAvailability.objects.filter(is_available=False).values("user")
    return sales_users().filter(groups=team).exclude(pk__in=away).order_by("pk")


def next_in_turn(rule):
    """
    The team member after the one this rule assigned last (by id, wrapping
    round), skipping anyone away. The rule's row is locked for the rest of the
    transaction, so two enquiries recorded at once never get the same turn.
    """
    locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    members = list(available_members(locked.team_id))
    if not members:
        return None
    last = locked.last_assignee_id or 0
    chosen = next((user for user in members if user.pk > last), members[0])
    RoutingRule.objects.filter(pk=rule.pk).update(last_assignee=chosen)
    return chosen


def assignee_for(topic):
    """Who should follow up an enquiry about `topic`; call inside the recording transaction."""
    rule = matching_rule(topic)
    if rule is None:
        return None
    if rule.owner_id:
        return rule.owner if rule.owner.is_active else None
    return next_in_turn(rule)
