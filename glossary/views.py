from django.views.generic import DetailView, ListView

from glossary.models import Term


class TermListView(ListView):
    queryset = Term.objects.published()
    paginate_by = 100


class TermDetailView(DetailView):
    queryset = Term.objects.published()
