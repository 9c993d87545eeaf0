from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from consultancy import content_health, health, views
from consultancy.canonical import CanonicalTemplateView, canonical_url
from consultancy.sitemaps import site_sitemaps

admin.site.site_header = "Halyard AI content and enquiries"
admin.site.site_title = "Halyard AI admin"
admin.site.index_title = "Content and enquiries"
# The page's width goes to the lists, which then fit a 1280 px screen with
# every column; the breadcrumbs and the index lead everywhere else.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("glossary/", include("glossary.urls")),
    path("", include("services.urls")),
    path("privacy/", CanonicalTemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("sitemap.xml", canonical_url(sitemap), {"sitemaps": site_sitemaps()}, name="sitemap"),
    path(
        "robots.txt",
        CanonicalTemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    # DJANGO_ADMIN_URL; every link to the admin is reversed ("admin:…").
    path(
        f"{settings.ADMIN_URL}content-health/",
        admin.site.admin_view(content_health.content_health_view),
        name="content_health",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    # For process managers, load balancers and monitoring (consultancy/health.py).
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
]

handler500 = "consultancy.views.server_error"
