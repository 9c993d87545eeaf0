"""Views shared by every kind of content, and the site-wide pages."""

import sys

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from consultancy import content_types, drafts, health, outages, structured_data
from consultancy.canonical import CanonicalURLMixin, canonical_page
from consultancy.links import url_for
from consultancy.queries import page_relations, public_item


def can_preview(user, model):
    """Staff who may change an item may also see it before it is public."""
    opts = model._meta
    return user.is_authenticated and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class SectionMixin:
    """
    A page of one kind of content (its `model`), inside that kind's section
    (Glossary, Services…): breadcrumbs and JSON-LD, as its registration says.
    """

    @cached_property
    def content_kind(self):
        return content_types.for_model(self.model)

    def get_breadcrumbs(self):
        kind = self.content_kind
        crumbs = [("Home", url_for("home")), (kind.section_title, url_for(kind.list_url_name))]
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
            section_title=self.content_kind.section_title,
            breadcrumbs=self.breadcrumbs,
            structured_data=self.get_structured_data(),
            **kwargs,
        )


class PublishedListView(CanonicalURLMixin, SectionMixin, ListView):
    """
    A paginated list of the public items of one kind. Only the canonical
    spelling of each page answers 200; any other is redirected to it (or is
    not found: canonical_page).
    """

    paginate_by = 24

    def get_queryset(self):
        return self.model.objects.cards()

    def canonical_parameters(self):
        return {self.page_kwarg: canonical_page}


class PublishedDetailView(CanonicalURLMixin, SectionMixin, DetailView):
    """
    One public item. Editors may also preview drafts and scheduled items: the
    page then says so, asks search engines not to index it and is never cached.
    """

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
        describe = self.content_kind.describe
        return [*data, describe(self.request, self.object)] if describe else data

    def get_relations(self):
        return page_relations(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(relations=self.get_relations(), **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response


class DraftPreviewView(PublishedDetailView):
    """
    An item's page as its unpublished changes (consultancy.drafts) would make
    it, for the editors who may change it: never cached, never indexed. The
    admin serves it (consultancy.admin_drafts), with the item's pk.
    """

    def get(self, request, *args, **kwargs):
        # No canonical redirect: the admin's URL is the only one.
        return DetailView.get(self, request, *args, **kwargs)

    def get_object(self, queryset=None):
        if not can_preview(self.request.user, self.model):
            raise Http404("Only editors see unpublished changes.")
        self.live = super(PublishedDetailView, self).get_object(self.model.objects.all())
        self.draft = drafts.draft_of(self.live)
        if self.draft is None:
            raise Http404("This item has no unpublished changes.")
        return drafts.previewed(self.live, self.draft)

    def get_relations(self):
        return drafts.preview_relations(self.live, self.draft)

    def get_context_data(self, **kwargs):
        return super().get_context_data(draft=self.draft, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class HomeView(CanonicalURLMixin, TemplateView):
    """
    The home page: featured services and the size of the glossary. Both are
    looked up in the registry by kind, as the home page's design names them.
    """

    template_name = "home.html"
    featured_services = 6

    def get_context_data(self, **kwargs):
        services = content_types.get("service").model.objects.cards()
        return super().get_context_data(
            services=services[: self.featured_services],
            term_count=content_types.get("term").model.objects.published().count(),
            structured_data=[structured_data.organization(self.request)],
            **kwargs,
        )


def errors_are_reported():
    """Whether a server error reaches someone: emailed to ADMINS, or sent to Sentry."""
    return bool(settings.ADMINS or settings.SENTRY_DSN)


def server_error(request):
    """
    The 500 page (handler500). It says "we have been told" only when that is
    true. Like Django's own, it renders without a request context, so that no
    context processor can touch the database that may be what failed; and
    the health URLs answer JSON even here.
    """
    if (response := health.answer_after_a_failure(request)) is not None:
        return response
    # The database failed before a view ran (sessions, auth): an outage,
    # answered like one in a view (consultancy/outages.py), not a bug.
    if outages.is_database_outage(error := sys.exception()):
        outages.log_outage(error)
        return outages.service_unavailable(request)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"errors_reported": errors_are_reported()}))
