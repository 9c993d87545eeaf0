"""The Makefile's production-mode targets refuse to start without a secret key."""

import os
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("target", ["serve", "worker"])
def test_production_targets_stop_before_anything_without_a_secret_key(target, tmp_path):
    venv = tmp_path / "venv"
    result = subprocess.run(
        # A virtualenv path of the test's own: had the check not come first,
        # make would have started creating it.
        ["make", "--no-print-directory", target, f"VENV={venv}"],
        cwd=PROJECT_DIR,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert f"make {target} runs in production mode and needs DJANGO_SECRET_KEY" in result.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in result.stderr
    assert not venv.exists()
