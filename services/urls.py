from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("services/", views.ServiceListView.as_view(), name="service_list"),
    path("services/<slug:slug>/", views.ServiceDetailView.as_view(), name="service_detail"),
    path("technologies/", views.TechnologyListView.as_view(), name="technology_list"),
    path(
        "technologies/<slug:slug>/",
        views.TechnologyDetailView.as_view(),
        name="technology_detail",
    ),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact_thanks"),
]
