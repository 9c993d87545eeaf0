"""The registry of public content: what the apps declare, and what reads it."""

import pytest

from consultancy import content_types
from consultancy.sitemaps import PageSitemap, site_sitemaps
from glossary.models import Term
from services.models import Enquiry, Service, Technology


def test_the_apps_register_terms_services_and_technologies_with_what_pages_need():
    kinds = {kind.name: kind for kind in content_types.kinds()}
    assert set(kinds) == {"term", "service", "technology"}
    for kind in kinds.values():
        assert kind.sitemap is not None
        assert kind.describe is not None
        for relation in kind.lists:
            kind.model._meta.get_field(relation)  # each listed relation exists
    assert content_types.for_model(Term).lists == ("related_terms", "services", "technologies")
    assert content_types.get("service").model is Service


def test_unknown_kinds_and_models_are_refused_clearly():
    with pytest.raises(LookupError, match="No content kind 'case_study'"):
        content_types.get("case_study")
    with pytest.raises(LookupError, match="Enquiry is not a registered content kind"):
        content_types.for_model(Enquiry)


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        content_types.register(content_types.get("technology"))


def test_the_rows_pages_show_include_every_relation_table():
    watched = content_types.models()
    assert {Term, Service, Technology} <= watched
    assert Term.related_terms.through in watched
    assert Service.technologies.through in watched
    assert Enquiry not in watched


def test_the_sitemap_has_a_section_and_a_list_page_for_each_registered_kind(monkeypatch):
    """The sitemap reads the registry: nothing in it names the models."""
    assert set(site_sitemaps()) == {"pages", "term", "service", "technology"}
    assert {"home", "services:technology_list", "services:contact"} <= set(PageSitemap().items())
    registered = {kind.name: kind for kind in content_types.kinds()}
    registered.pop("technology")
    monkeypatch.setattr(content_types, "_kinds", registered)
    assert set(site_sitemaps()) == {"pages", "term", "service"}
    assert "services:technology_list" not in PageSitemap().items()
