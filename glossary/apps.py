from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self):
        from consultancy import body_links, content_types
        from glossary import signals  # noqa: F401 (connects the receivers)
        from glossary.content_health import register_sections
        from glossary.linking import link_body
        from glossary.mentions import mentioned_in
        from glossary.models import Term
        from glossary.sitemaps import TermSitemap
        from glossary.structured_data import defined_term

        content_types.register(
            content_types.ContentKind(
                model=Term,
                detail_url_name="glossary:term_detail",
                list_url_name="glossary:term_list",
                section_title="Glossary",
                title_field="name",
                summary_field="short_definition",
                short_form_field="abbreviation",
                lists=("related_terms", "services", "technologies"),
                computed_lists=(("mentioned_in", mentioned_in),),
                sitemap=TermSitemap,
                describe=defined_term,
            )
        )
        register_sections()
        body_links.register(link_body)
