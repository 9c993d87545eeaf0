"""import_redirects (all or nothing) and purge_missing_urls."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultancy.models import MissingUrl, Redirect

pytestmark = pytest.mark.django_db


def csv_file(tmp_path, text):
    path = tmp_path / "redirects.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_redirects_loads_a_good_file(tmp_path, capsys, client):
    Redirect.objects.create(from_path="/older/", to="/old/")
    path = csv_file(
        tmp_path,
        "from_path,to,permanent\n"
        "/old/,/glossary/,yes\n"
        "/promo/,https://example.com/offer,no\n"
        "/via-old/,/old/,\n",
    )
    call_command("import_redirects", path)

    assert dict(Redirect.objects.values_list("from_path", "to")) == {
        "/old/": "/glossary/",
        "/older/": "/glossary/",
        "/promo/": "https://example.com/offer",
        "/via-old/": "/glossary/",
    }
    assert not Redirect.objects.get(from_path="/promo/").permanent
    assert "Imported 3 redirect(s)." in capsys.readouterr().out
    assert client.get("/older/")["Location"] == "/glossary/"


def test_import_redirects_reports_bad_rows_and_imports_nothing(tmp_path, capsys):
    path = csv_file(
        tmp_path,
        "from_path,to,permanent\n"
        "/fine/,/glossary/,yes\n"
        "no-slash/,/glossary/,yes\n"
        "/loop/,/loop/,yes\n"
        "/odd/,/glossary/,maybe\n",
    )
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_redirects", path)

    assert exit_status.value.code == 1
    errors = capsys.readouterr().err
    assert "Line 3: from_path:" in errors
    assert "Line 4: This redirect would go round in a loop" in errors
    assert "Line 5: permanent must be yes or no" in errors
    assert "Line 2" not in errors
    assert not Redirect.objects.exists()


def test_import_redirects_dry_run_imports_nothing(tmp_path, capsys):
    call_command(
        "import_redirects",
        csv_file(tmp_path, "from_path,to,permanent\n/a/,/b/,yes\n"),
        dry_run=True,
    )
    assert "1 redirect(s) would be imported" in capsys.readouterr().out
    assert not Redirect.objects.exists()


def test_purge_missing_urls_deletes_counts_older_than_30_days():
    today = timezone.localdate()
    MissingUrl.objects.create(path="/recent/", day=today - datetime.timedelta(days=29))
    MissingUrl.objects.create(path="/old/", day=today - datetime.timedelta(days=30))

    call_command("purge_missing_urls")

    assert list(MissingUrl.objects.values_list("path", flat=True)) == ["/recent/"]
