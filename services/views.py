from django.views.generic import DetailView, ListView

from services.models import Service, Technology


class ServiceListView(ListView):
    queryset = Service.objects.published()
    paginate_by = 50


class ServiceDetailView(DetailView):
    queryset = Service.objects.published()


class TechnologyListView(ListView):
    queryset = Technology.objects.published()
    paginate_by = 50


class TechnologyDetailView(DetailView):
    queryset = Technology.objects.published()
