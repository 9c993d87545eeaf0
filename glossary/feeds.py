from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from consultancy.canonical import redirect_to_canonical
from consultancy.links import url_for
from glossary.models import Term

FEED_LENGTH = 30


class LatestTermsFeed(Feed):
    """Atom feed of the glossary's newest published terms."""

    feed_type = Atom1Feed
    title = "New in the AI glossary"
    subtitle = "Terms newly added to the AI glossary, with their short definitions."

    def __call__(self, request, *args, **kwargs):
        # The feed reads no parameter: "?page=2" is the same feed, never a cache entry of its own.
        redirect = redirect_to_canonical(request, {})
        return redirect or super().__call__(request, *args, **kwargs)

    def link(self):
        return url_for("glossary:term_list")

    def items(self):
        return (
            Term.objects.published()
            .only("slug", "name", "abbreviation", "short_definition", "published_at", "updated_at")
            .order_by("-published_at")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.display_name

    def item_description(self, item):
        # Atom1Feed declares the summary type="html", so readers render it: the
        # definition is plain text, escaped here to arrive as text, never markup.
        return escape(item.short_definition)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
