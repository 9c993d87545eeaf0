"""Routing: which Sales user an enquiry is assigned to when it is recorded, and their email."""

import itertools

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import enquiries, routing
from services.models import Enquiry, EnquiryStatus, RoutingRule, SalesAvailability
from tests.factories import (
    make_enquiry,
    make_rule,
    make_sales_user,
    make_service,
    make_technology,
    make_term,
)

_senders = itertools.count()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]


@pytest.fixture
def people(db):
    return {
        "ann": make_sales_user("ann", first_name="Ann", last_name="Able"),
        "bob": make_sales_user("bob", first_name="Bob", last_name="Baker"),
    }


@pytest.fixture
def team(db):
    return Group.objects.create(name="Cloud team")


def enquire(send_enquiry, enquiry_form_data, topic=None, **data):
    """Sends the contact form (each from another address: the rate limit counts per address)."""
    data.setdefault("email", f"visitor{next(_senders)}@example.com")
    if topic is not None:
        data["topic"] = topic.contact_topic
    send_enquiry(enquiry_form_data(**data))
    return Enquiry.objects.order_by("-pk").first()


def test_a_term_rule_assigns_an_enquiry_about_that_term(send_enquiry, enquiry_form_data, people):
    term = make_term(slug="rag")
    make_rule("term:other", owner=people["bob"], order=1)
    make_rule("term:rag", owner=people["ann"], order=2)
    assert enquire(send_enquiry, enquiry_form_data, term).assignee == people["ann"]


@pytest.mark.parametrize(
    ("factory", "kind"), [(make_service, "service"), (make_technology, "technology")]
)
def test_service_and_technology_rules_match_their_kind_only(
    send_enquiry, enquiry_form_data, people, factory, kind
):
    item = factory(slug="shared-slug")
    other_kind = "technology" if kind == "service" else "service"
    make_rule(f"{other_kind}:shared-slug", owner=people["bob"], order=1)
    make_rule(f"{kind}:shared-slug", owner=people["ann"], order=2)
    assert enquire(send_enquiry, enquiry_form_data, item).assignee == people["ann"]


def test_a_tag_rule_matches_a_topic_with_that_tag(send_enquiry, enquiry_form_data, people):
    tagged = make_term(tags=["Finance"])
    make_rule("tag:healthcare", owner=people["bob"], order=1)
    make_rule("tag:finance", owner=people["ann"], order=2)
    assert enquire(send_enquiry, enquiry_form_data, tagged).assignee == people["ann"]
    assert enquire(send_enquiry, enquiry_form_data, make_term()).assignee is None


def test_the_catch_all_takes_what_no_earlier_rule_matched(send_enquiry, enquiry_form_data, people):
    make_rule("term:rag", owner=people["ann"], order=1)
    make_rule("*", owner=people["bob"], order=2)
    assert enquire(send_enquiry, enquiry_form_data, make_term()).assignee == people["bob"]
    assert enquire(send_enquiry, enquiry_form_data).assignee == people["bob"]


def test_rules_are_tried_in_order_not_in_creation_order(send_enquiry, enquiry_form_data, people):
    make_rule("*", owner=people["bob"], order=20)
    make_rule("*", owner=people["ann"], order=10)
    assert enquire(send_enquiry, enquiry_form_data).assignee == people["ann"]


def test_an_inactive_rule_is_ignored(send_enquiry, enquiry_form_data, people):
    make_rule("*", owner=people["ann"], order=1, is_active=False)
    make_rule("*", owner=people["bob"], order=2)
    assert enquire(send_enquiry, enquiry_form_data).assignee == people["bob"]


def test_with_no_matching_rule_the_enquiry_is_unassigned_and_goes_to_the_notify_list(
    send_enquiry, enquiry_form_data, people, settings
):
    settings.ENQUIRY_NOTIFY_EMAILS = ["sales@example.com", "ceo@example.com"]
    make_rule("term:rag", owner=people["ann"])
    enquiry = enquire(send_enquiry, enquiry_form_data, make_term())
    assert enquiry.assignee is None
    [message] = mail.outbox
    assert message.to == ["sales@example.com", "ceo@example.com"]
    assert "assigned to you" not in message.body


def test_the_assignee_is_emailed_personally_in_plain_text_with_reply_to_the_visitor(
    send_enquiry, enquiry_form_data, people
):
    make_rule("*", owner=people["ann"])
    enquiry = enquire(send_enquiry, enquiry_form_data, email="visitor@example.org")
    [message] = mail.outbox
    assert message.to == ["ann@example.com"]
    assert message.reply_to == ["visitor@example.org"]
    assert message.message().get_content_type() == "text/plain"
    assert message.body.startswith("Ann, this enquiry is assigned to you.")
    assert f"/admin/services/enquiry/{enquiry.pk}/change/" in message.body


def test_spam_is_never_routed_nor_emailed(send_enquiry, enquiry_form_data, people):
    rule = make_rule("*", team=Group.objects.get(name="Sales"))
    enquiry = enquire(send_enquiry, enquiry_form_data, website="http://spam.example")
    assert enquiry.status == EnquiryStatus.SPAM
    assert enquiry.assignee is None
    assert mail.outbox == []
    rule.refresh_from_db()
    assert rule.last_assignee is None


def test_a_held_enquiry_is_routed_when_released(
    send_enquiry, enquiry_form_data, people, django_capture_on_commit_callbacks
):
    make_rule("*", owner=people["ann"])
    enquiry = enquire(send_enquiry, enquiry_form_data, started=None)  # no time trap: held
    assert (enquiry.status, enquiry.assignee) == (EnquiryStatus.HELD, None)
    with django_capture_on_commit_callbacks(execute=True):
        enquiries.release_held(Enquiry.objects.filter(pk=enquiry.pk))
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.assignee) == (EnquiryStatus.NEW, people["ann"])
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]


def test_a_team_takes_enquiries_in_turn_skipping_people_who_are_away(
    send_enquiry, enquiry_form_data, team
):
    first = make_sales_user("first", teams=[team])
    away = make_sales_user("away", teams=[team], available=False)
    third = make_sales_user("third", teams=[team])
    make_sales_user("outsider")  # In Sales, not in the team.
    make_rule("*", team=team)
    assignees = [enquire(send_enquiry, enquiry_form_data).assignee for _ in range(4)]
    assert assignees == [first, third, first, third]
    assert away not in assignees

    SalesAvailability.objects.filter(user=away).update(is_available=True)
    back = [enquire(send_enquiry, enquiry_form_data).assignee for _ in range(3)]
    assert back == [first, away, third]


def test_a_team_member_outside_the_sales_group_is_never_assigned(team):
    user = make_sales_user("moved", teams=[team])
    user.groups.remove(Group.objects.get(name="Sales"))
    rule = make_rule("*", team=team)
    with transaction.atomic():
        assert routing.assignee_for(None) is None
    rule.refresh_from_db()
    assert rule.last_assignee is None


def test_a_team_with_nobody_available_leaves_the_enquiry_to_the_notify_list(
    send_enquiry, enquiry_form_data, team
):
    make_sales_user("away", teams=[team], available=False)
    make_rule("*", team=team)
    assert enquire(send_enquiry, enquiry_form_data).assignee is None
    assert mail.outbox[0].to == ["sales@example.com"]


def test_each_turn_is_read_afresh_under_a_row_lock(team):
    """
    Two enquiries recorded at once must not get the same person: the turn is
    read from the rule's row locked FOR UPDATE (where the database has row
    locks; SQLite has one writer at a time), never from a rule loaded earlier.
    """
    people = [make_sales_user(f"p{n}", teams=[team]) for n in range(3)]
    make_rule("*", team=team)
    stale = routing.matching_rule(None)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        first = routing.next_in_turn(stale)
    with transaction.atomic():
        second = routing.next_in_turn(stale)
    assert [first, second] == people[:2]
    [locking] = [
        q["sql"]
        for q in queries
        if "services_routingrule" in q["sql"] and "WHERE" in q["sql"] and "SELECT" in q["sql"]
    ]
    assert ("FOR UPDATE" in locking) == connection.features.has_select_for_update


@pytest.mark.parametrize(
    ("match", "code"),
    [
        ("term", "invalid_match"),
        ("term:two words", "invalid_match"),
        ("*:x", "invalid_match"),
        ("page:about", "invalid_match_kind"),
    ],
)
def test_a_malformed_match_is_refused_with_a_clear_message(people, match, code):
    rule = RoutingRule(match=match, owner=people["ann"])
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert code in [error.code for error in refused.value.error_dict["match"]]


def test_a_rule_needs_exactly_one_of_owner_and_team(people, team):
    for owner, group in [(None, None), (people["ann"], team)]:
        rule = RoutingRule(match="*", owner=owner, team=group)
        with pytest.raises(ValidationError, match="either an owner"):
            rule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutingRule.objects.create(match="*")


def test_the_sales_managers_group_manages_rules_and_views_enquiries():
    managers = Group.objects.get(name="Sales managers")
    codenames = set(managers.permissions.values_list("codename", flat=True))
    assert codenames == {
        "add_routingrule",
        "change_routingrule",
        "delete_routingrule",
        "view_routingrule",
        "add_salesavailability",
        "change_salesavailability",
        "delete_salesavailability",
        "view_salesavailability",
        "view_enquiry",
        # Webhooks too (services.0007).
        "add_webhook",
        "change_webhook",
        "delete_webhook",
        "view_webhook",
        "view_webhookdelivery",
    }
    assert not Permission.objects.filter(group=managers, codename="change_enquiry").exists()


def test_a_sales_manager_can_neither_create_a_team_nor_change_its_members(client, people, team):
    """Teams are auth groups: a superuser creates and fills them (README, "Routing")."""
    manager = make_sales_user("manager", teams=[Group.objects.get(name="Sales managers")])
    client.force_login(manager)
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    assert client.get(reverse("admin:auth_group_change", args=[team.pk])).status_code == 403
    user_page = reverse("admin:auth_user_change", args=[people["ann"].pk])
    assert client.get(user_page).status_code == 403


def test_a_sales_manager_can_add_a_rule_in_the_admin(client, people):
    manager = make_sales_user("manager", teams=[Group.objects.get(name="Sales managers")])
    client.force_login(manager)
    response = client.post(
        reverse("admin:services_routingrule_add"),
        {"order": 5, "match": "service:cloud", "owner": people["ann"].pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert RoutingRule.objects.get().owner == people["ann"]


def test_the_rule_form_says_what_is_wrong_with_the_match(client, people):
    manager = make_sales_user("manager", teams=[Group.objects.get(name="Sales managers")])
    client.force_login(manager)
    response = client.post(
        reverse("admin:services_routingrule_add"),
        {"order": 5, "match": "page:about", "owner": people["ann"].pk},
    )
    assert response.status_code == 200
    assert "is not a kind of topic: use term, service, technology or tag." in response.text


def test_the_assignee_choices_are_sales_users_by_full_name(sales_client, people):
    Group.objects.get(name="Editors").user_set.create(username="ed", is_staff=True)
    enquiry = make_enquiry()
    response = sales_client.get(reverse("admin:services_enquiry_change", args=[enquiry.pk]))
    field = response.context["adminform"].form.fields["assignee"]
    labels = [label for value, label in field.choices if value]
    # The `sales` fixture user has no full name, so shows by username.
    assert labels == ["sales", "Ann Able", "Bob Baker"]


def test_the_assignee_filter_offers_sales_users_by_full_name_and_unassigned(sales_client, people):
    Group.objects.get(name="Editors").user_set.create(
        username="ed", first_name="Eddie", last_name="Editor", is_staff=True
    )
    make_enquiry(assignee=people["ann"])
    waiting = make_enquiry()
    changelist = reverse("admin:services_enquiry_changelist")
    response = sales_client.get(changelist)
    cl = response.context["cl"]
    [assignee] = [spec for spec in cl.filter_specs if spec.title == "assignee"]
    labels = [choice["display"] for choice in assignee.choices(cl)]
    assert labels == ["All", "sales", "Ann Able", "Bob Baker", "Unassigned"]
    assert "By assignee" in response.text

    response = sales_client.get(changelist, {"assignee__isnull": "True"})
    assert list(response.context["cl"].result_list) == [waiting]


def test_sales_managers_mark_people_away_and_sales_cannot(client, sales_client, people):
    away = SalesAvailability.objects.create(user=people["ann"])
    changelist = reverse("admin:services_salesavailability_changelist")
    assert sales_client.get(changelist).status_code == 403
    manager = make_sales_user("manager", teams=[Group.objects.get(name="Sales managers")])
    client.force_login(manager)
    response = client.post(
        reverse("admin:services_salesavailability_change", args=[away.pk]),
        {"user": people["ann"].pk},  # "available" unticked.
    )
    assert response.status_code == 302
    away.refresh_from_db()
    assert away.is_available is False
    assert str(away) == "Ann Able: away"
