"""The move to ordered, one-way relations keeps every relation a site had."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("glossary", "0006_cta_heading_help_text"),
    ("services", "0003_sales_enquiry_permissions"),
]
AFTER = [("glossary", "0007_ordered_one_way_relations"), ("services", "0004_ordered_technologies")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_relations_survive_in_place_and_in_alphabetical_order():
    old = migrate(BEFORE)
    Term, Service, Technology = (
        old.get_model("glossary", "Term"),
        old.get_model("services", "Service"),
        old.get_model("services", "Technology"),
    )
    common = {"status": "draft", "body": "", "body_html": ""}
    llm = Term.objects.create(name="LLM", slug="llm", short_definition="x", **common)
    model = Term.objects.create(name="Model", slug="model", short_definition="x", **common)
    # The symmetrical relation stored both directions.
    link = Term.related_terms.through
    link.objects.bulk_create(
        [link(from_term=llm, to_term=model), link(from_term=model, to_term=llm)]
    )
    service = Service.objects.create(title="Audits", slug="audits", summary="x", **common)
    ray = Technology.objects.create(name="Ray", slug="ray", summary="x", **common)
    llm.services.add(service)
    llm.technologies.add(ray)
    service.technologies.add(ray)

    new = migrate(AFTER)
    RelatedTerm = new.get_model("glossary", "RelatedTerm")
    pairs = set(RelatedTerm.objects.values_list("from_term__slug", "to_term__slug", "order"))
    assert pairs == {("llm", "model", 0), ("model", "llm", 0)}
    assert list(new.get_model("glossary", "TermService").objects.values_list("order")) == [(0,)]
    assert new.get_model("glossary", "TermTechnology").objects.count() == 1
    assert new.get_model("services", "ServiceTechnology").objects.count() == 1
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # as the tests that follow expect
