"""
Running the project for the benchmark: its environment (production settings
on 127.0.0.1), manage.py, gunicorn servers, warmed up before they are
measured and allowed to settle between load runs, and the task worker.
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
    ours = ("DJANGO_", "DATABASE_", "CACHE_", "PAGE_CACHE_", "TASKS_", "PREPARED_READS", "SENTRY_",
            "EMAIL_", "ENQUIRY_")  # fmt: skip
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


class Process:
    """
    A project process (`python ARGS…` in the project folder) in a process
    group of its own, so that it is stopped whole, its output in a log file.
    """

    def __init__(self, name, env, log_path):
        self.name, self.env, self.log_path = name, env, log_path
        self.process = None

    def spawn(self, *args):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if not self.alive():
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


class Server(Process):
    """gunicorn with 2 sync workers, started once `probe` answers."""

    def __init__(
        self, key, name, settings, database_url, log_dir, probe=f"/static/{REFERENCE_NAME}"
    ):
        """`settings`: the environment that sets this server apart (see project_env)."""
        super().__init__(
            name, project_env(database_url, **settings), log_dir / f"gunicorn-{key}.log"
        )
        self.settings, self.probe = settings, probe
        self.port = free_port()

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def start(self):
        self.spawn(
            "-m", "gunicorn", "consultancy.wsgi",
            "--workers", "2", "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
            "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"gunicorn ({self.name}) exited:\n{self.log_tail()}")
            with suppress(OSError), urllib.request.urlopen(self.url(self.probe), timeout=2):
                shown = " ".join(f"{key}={value}" for key, value in self.settings.items())
                say(f"gunicorn ({self.name}, {shown}) on port {self.port}")
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in 60 s:\n{self.log_tail()}")


class Worker(Process):
    """The task worker, `manage.py db_worker` (the project's own, which waits out outages)."""

    def __init__(self, env, log_dir):
        super().__init__("db_worker", env, log_dir / "db_worker.log")

    def start(self, *options):
        self.spawn("manage.py", "db_worker", "--no-reload", "--no-startup-delay", *options)


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
