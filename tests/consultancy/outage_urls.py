"""A URLconf for tests/consultancy/test_outages.py: views that lose the database."""

from django.db import IntegrityError, OperationalError
from django.urls import include, path


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def a_bug(request):
    raise IntegrityError("duplicate key value violates unique constraint")


urlpatterns = [
    path("gone/", database_gone),
    path("bug/", a_bug),
    path("", include("consultancy.urls")),
]
handler500 = "consultancy.views.server_error"
