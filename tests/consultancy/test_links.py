"""url_for() gives what reverse() gives, without walking the resolver each time."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from consultancy.links import detail_url, url_for


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("services:contact", {}),
        ("glossary:term_detail", {"slug": "foundation-model"}),
        ("glossary:term_letter", {"letter": "0-9"}),
        ("services:technology_detail", {"slug": "hugging_face-2"}),
    ],
)
def test_url_for_matches_reverse(name, kwargs):
    assert url_for(name, **kwargs) == reverse(name, kwargs=kwargs or None)


def test_values_that_need_quoting_or_checking_go_through_reverse():
    assert url_for("glossary:term_letter", letter="é x") == reverse(
        "glossary:term_letter", kwargs={"letter": "é x"}
    )
    with pytest.raises(NoReverseMatch):
        url_for("glossary:term_detail", slug="not a slug")


def test_url_for_follows_the_script_prefix_of_a_site_mounted_below_the_root():
    try:
        set_script_prefix("/site/")
        assert url_for("glossary:term_list") == "/site/glossary/"
        assert detail_url("service", "audits") == "/site/services/audits/"
    finally:
        set_script_prefix("/")
    assert url_for("glossary:term_list") == "/glossary/"
