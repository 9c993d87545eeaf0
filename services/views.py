from consultancy import structured_data
from consultancy.views import PublishedDetailView, PublishedListView
from services.models import Service, Technology


class ServiceListView(PublishedListView):
    model = Service
    section_title = "Services"
    section_url_name = "services:service_list"


class ServiceDetailView(PublishedDetailView):
    model = Service
    section_title = "Services"
    section_url_name = "services:service_list"

    def get_structured_data(self):
        return [*super().get_structured_data(), structured_data.service(self.request, self.object)]


class TechnologyListView(PublishedListView):
    model = Technology
    section_title = "Technologies"
    section_url_name = "services:technology_list"


class TechnologyDetailView(PublishedDetailView):
    model = Technology
    section_title = "Technologies"
    section_url_name = "services:technology_list"

    def get_structured_data(self):
        return [*super().get_structured_data(), structured_data.service(self.request, self.object)]
