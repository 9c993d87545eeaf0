from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "Services and technologies"

    def ready(self):
        from consultancy import content_types, health
        from services import business_hours
        from services.health import notifications_are_sent
        from services.models import Service, Technology
        from services.sitemaps import ServiceSitemap, TechnologySitemap
        from services.structured_data import service

        content_types.register(
            content_types.ContentKind(
                model=Service,
                detail_url_name="services:service_detail",
                list_url_name="services:service_list",
                section_title="Services",
                title_field="title",
                summary_field="summary",
                lists=("technologies", "terms"),
                sitemap=ServiceSitemap,
                describe=service,
            )
        )
        content_types.register(
            content_types.ContentKind(
                model=Technology,
                detail_url_name="services:technology_detail",
                list_url_name="services:technology_list",
                section_title="Technologies",
                title_field="name",
                summary_field="summary",
                lists=("services", "terms"),
                sitemap=TechnologySitemap,
                # A technology we work with is, to a client, a service we offer.
                describe=service,
            )
        )
        content_types.register_page("services:contact")
        health.register("notifications", notifications_are_sent, needs=("database",))
        # A malformed SALES_HOURS, SALES_HOLIDAYS or SALES_TIMEZONE stops start-up
        # here (ImproperlyConfigured), rather than at the first enquiry.
        business_hours.calendar()
