"""Views shared by every kind of content, and the site-wide pages."""

from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from consultancy import structured_data
from consultancy.links import url_for
from consultancy.queries import page_relations, public_item
from glossary.models import Term
from services.models import Service


def can_preview(user, model):
    """Staff who may change an item may also see it before it is public."""
    opts = model._meta
    return user.is_authenticated and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class SectionMixin:
    """A page inside a section (Glossary, Services…): breadcrumbs and JSON-LD."""

    section_title = ""
    section_url_name = ""

    def get_breadcrumbs(self):
        crumbs = [("Home", url_for("home")), (self.section_title, url_for(self.section_url_name))]
        if getattr(self, "object", None) is not None:
            crumbs.append((str(self.object), self.object.get_absolute_url()))
        return crumbs

    @cached_property
    def breadcrumbs(self):
        return self.get_breadcrumbs()

    def get_structured_data(self):
        return [structured_data.breadcrumb_list(self.request, self.breadcrumbs)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section_title=self.section_title,
            breadcrumbs=self.breadcrumbs,
            structured_data=self.get_structured_data(),
            **kwargs,
        )


class PublishedListView(SectionMixin, ListView):
    """A paginated list of the public items of one kind."""

    paginate_by = 24

    def get_queryset(self):
        return self.model.objects.cards()


class PublishedDetailView(SectionMixin, DetailView):
    """
    One public item. Editors may also preview drafts and scheduled items: the
    page then says so, asks search engines not to index it and is never cached.
    """

    # The object's own JSON-LD: a function of (request, object), or None.
    describe = None

    def get_queryset(self):
        return self.model.objects.for_detail_page()

    def get_object(self, queryset=None):
        if can_preview(self.request.user, self.model):
            return super().get_object(queryset)
        # What every visitor and crawler asks for: a read compiled once.
        obj = public_item(self.model, self.kwargs[self.slug_url_kwarg])
        if obj is None:
            raise Http404(f"No public {self.model._meta.verbose_name} here.")
        return obj

    def get_structured_data(self):
        data = super().get_structured_data()
        return [*data, self.describe(self.request, self.object)] if self.describe else data

    def get_context_data(self, **kwargs):
        return super().get_context_data(relations=page_relations(self.object), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response


class HomeView(TemplateView):
    template_name = "home.html"
    featured_services = 6

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            services=Service.objects.cards()[: self.featured_services],
            term_count=Term.objects.published().count(),
            structured_data=[structured_data.organization(self.request)],
            **kwargs,
        )
