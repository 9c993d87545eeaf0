from django.apps import AppConfig


class ConsultancyConfig(AppConfig):
    name = "consultancy"
    verbose_name = "Site"
