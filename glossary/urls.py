from django.urls import path

from glossary import views
from glossary.feeds import LatestTermsFeed

app_name = "glossary"

urlpatterns = [
    path("", views.TermListView.as_view(), name="term_list"),
    path("feed/", LatestTermsFeed(), name="feed"),
    path("letter/<str:letter>/", views.TermListView.as_view(), name="term_letter"),
    path("<slug:slug>/", views.TermDetailView.as_view(), name="term_detail"),
]
