"""Views shared by every kind of content, and the site-wide pages."""

from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView


def can_preview(user, model):
    """Staff who may change an item may also see it before it is public."""
    opts = model._meta
    return user.is_authenticated and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class PublishedListView(ListView):
    """A paginated list of the public items of one kind."""

    paginate_by = 24

    def get_queryset(self):
        return self.model.objects.cards()


class PublishedDetailView(DetailView):
    """
    One public item. Editors may also preview drafts and scheduled items: the
    page then says so, asks search engines not to index it and is never cached.
    """

    def get_queryset(self):
        queryset = self.model.objects.for_detail_page()
        if can_preview(self.request.user, self.model):
            return queryset
        return queryset.published()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response
