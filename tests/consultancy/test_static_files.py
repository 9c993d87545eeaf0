"""Static files: hashed names, compressed, cached by browsers for a year."""

import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static


@pytest.fixture
def collected(settings, tmp_path):
    """Production storage, collected into a temporary folder."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def test_stylesheet_is_served_compressed_with_far_future_immutable_headers(client, collected):
    url = static("css/site.css")
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", url)
    response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] in {"gzip", "br"}
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


def test_total_css_stays_under_25_kb(collected):
    css = sorted((collected / "css").glob("*.css"))
    originals = [path for path in css if not re.search(r"\.[0-9a-f]{12}\.css$", path.name)]
    assert originals
    assert sum(path.stat().st_size for path in originals) < 25_000
