from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = "Halyard AI content and enquiries"
admin.site.site_title = "Halyard AI admin"
admin.site.index_title = "Content and enquiries"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("glossary/", include("glossary.urls")),
    path("", include("services.urls")),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("admin/", admin.site.urls),
]
