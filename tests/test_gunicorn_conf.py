"""gunicorn.conf.py, as gunicorn reads it: a Python file of settings."""

import os
import runpy
import types
from pathlib import Path

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def load(monkeypatch):
    """The settings the file gives on a machine with `cpus` cores and this environment."""

    def load(cpus=2, shm=True, **environ):
        monkeypatch.setattr(os, "cpu_count", lambda: cpus)
        real_isdir = os.path.isdir
        monkeypatch.setattr(
            os.path, "isdir", lambda path: shm if path == "/dev/shm" else real_isdir(path)
        )
        for name in ("PORT", "WEB_CONCURRENCY"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONF))

    return load


def gunicorn_settings(namespace):
    return {
        name: value
        for name, value in namespace.items()
        if name.islower() and not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_every_name_is_a_gunicorn_setting_with_a_valid_value(load):
    config = Config()
    settings = gunicorn_settings(load())
    assert set(settings) - set(config.settings) == set()
    for name, value in settings.items():
        config.set(name, value)  # gunicorn's own validation raises on a bad value
    assert config.workers == 5


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (3, 7), (16, 8), (None, 3)])
def test_workers_follow_the_cores_up_to_a_cap(load, cpus, workers):
    assert load(cpus=cpus)["workers"] == workers


def test_web_concurrency_sets_the_worker_count(load):
    assert load(cpus=16, WEB_CONCURRENCY="3")["workers"] == 3


def test_it_listens_on_the_loopback_interface_on_port(load):
    assert load()["bind"] == "127.0.0.1:8000"
    assert load(PORT="9001")["bind"] == "127.0.0.1:9001"


def test_stuck_requests_are_cut_and_stops_are_graceful(load):
    settings = load()
    assert settings["timeout"] == 30
    assert settings["graceful_timeout"] == 30


def test_the_access_log_goes_to_standard_output(load):
    assert load()["accesslog"] == "-"


def test_worker_heartbeats_live_in_memory_when_dev_shm_exists(load):
    assert load(shm=True)["worker_tmp_dir"] == "/dev/shm"
    assert "worker_tmp_dir" not in load(shm=False)
