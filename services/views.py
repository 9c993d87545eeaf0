from consultancy.views import PublishedDetailView, PublishedListView
from services.models import Service, Technology


class ServiceListView(PublishedListView):
    model = Service


class ServiceDetailView(PublishedDetailView):
    model = Service


class TechnologyListView(PublishedListView):
    model = Technology


class TechnologyDetailView(PublishedDetailView):
    model = Technology
