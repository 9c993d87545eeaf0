"""
Running the project for the benchmark: its environment (production settings
on 127.0.0.1), manage.py, and gunicorn servers, warmed up before they are
measured and allowed to settle between load runs.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import suppress

from common import HOST, REFERENCE_NAME, ROOT, say


def project_env(database_url, **settings):
    """
    Production settings: debug off, a random secret, plain HTTP on 127.0.0.1,
    caching off unless `settings` (CACHE_URL=…, PREPARED_READS=…) say otherwise.
    Such variables in the caller's environment are dropped: only `settings` count.
    """
    ours = ("DJANGO_", "DATABASE_", "CACHE_", "PAGE_CACHE_", "TASKS_", "PREPARED_READS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE="consultancy.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        CACHE_URL="dummy://",
        TASKS_BACKEND="immediate",
        # Production refuses to start without someone to notify (consultancy.E001).
        ENQUIRY_NOTIFY_EMAILS="bench@example.com",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def manage(env, *args, timeout=900):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout
    )


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers, in a process group of its own so it can be stopped whole."""

    def __init__(self, key, name, settings, database_url, log_dir):
        """`settings`: the environment that sets this server apart (see project_env)."""
        self.name, self.settings = name, settings
        self.env = project_env(database_url, **settings)
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{key}.log"
        self.process = None

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "consultancy.wsgi",
             "--workers", "2", "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited:\n{self.log_tail()}")
            with (
                suppress(OSError),
                urllib.request.urlopen(self.url(f"/static/{REFERENCE_NAME}"), timeout=2),
            ):
                shown = " ".join(f"{key}={value}" for key, value in self.settings.items())
                say(f"gunicorn ({self.name}, {shown}) on port {self.port}")
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in 60 s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines=30):
        with suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status, response.headers.get("X-Page-Cache", "")


def prewarm(server, paths, requests_per_path=12):
    """A few requests per page from several threads, so that both workers have each page."""
    seen = {}
    for key, path in paths.items():
        results = []

        def hit(path=path, results=results):
            for _ in range(requests_per_path // 4):
                results.append(fetch(server.url(path)))

        threads = [threading.Thread(target=hit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        bad = [status for status, _ in results if status != 200]
        if bad:
            raise RuntimeError(f"{server.url(path)} answered {bad[0]}:\n{server.log_tail()}")
        seen[key] = sorted({header for _, header in results if header})
    return seen


def settle(servers, probe_path):
    """
    Wait until every server has worked through the requests still queued when
    the load stopped (a slow page leaves a backlog), so that the next run does
    not pay for the previous one. A probe answers once the queue ahead of it
    is done.
    """
    for server in servers:
        with suppress(OSError):
            fetch(server.url(probe_path), timeout=30)
    time.sleep(0.5)
