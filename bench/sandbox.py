"""
The site on servers of its own, for the scripts that load it
(load_enquiries.py) or stop what it depends on (outage.py): a throwaway
PostgreSQL cluster, an SMTP server and, when asked, a Redis (tests/servers.py:
free ports of 127.0.0.1, temporary folders, never the machine's own servers);
the project migrated and its static files collected; gunicorn in production
mode with the database task queue, and the task worker.

    with Sandbox(redis=True, demo=True) as site:
        site.server.url("/"), site.worker.start(), site.postgres.stop()

Whatever happens in the block (a failure, Ctrl-C, SIGTERM through
common.run_script), everything it started is stopped and every temporary
folder removed when it ends.
"""

import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
from common import HOST, say
from servers import Server, Worker, manage, project_env

from tests.servers import PostgresServer, RedisServer, SmtpServer

SALES = "sales@example.com"


class Sandbox:
    def __init__(self, redis=False, demo=False, **settings):
        """
        `redis`: a Redis of its own as CACHE_URL (otherwise a file cache in a
        temporary folder, production's default); `demo`: load the demo
        content; `settings`: more environment for gunicorn and the worker.
        """
        self.with_redis, self.demo, self.extra = redis, demo, settings
        self.redis = None

    def __enter__(self):
        self._stack = ExitStack()
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info):
        say("\nStopping the servers and removing their folders")
        self._stack.close()

    def _start(self):
        stack = self._stack
        self.work = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
        stack.callback(shutil.rmtree, self.work, ignore_errors=True)

        started = time.perf_counter()
        self.postgres = PostgresServer()
        stack.callback(self.postgres.remove)
        self.postgres.start()
        with psycopg.connect(self.postgres.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE site")
            version = connection.execute("SHOW server_version").fetchone()[0]
        say(f"PostgreSQL {version} of its own on port {self.postgres.port} (fsync off)")

        self.smtp = SmtpServer()
        stack.callback(self.smtp.remove)
        self.smtp.start()
        say(f"SMTP server of its own on port {self.smtp.port}")

        if self.with_redis:
            self.redis = RedisServer()
            stack.callback(self.redis.remove)
            self.redis.start()
            say(f"Redis of its own on port {self.redis.port}")
            cache_url = self.redis.url
        else:
            cache_url = f"file://{self.work / 'cache'}"

        settings = {
            "CACHE_URL": cache_url,
            "TASKS_BACKEND": "database",
            "EMAIL_TO_CONSOLE": "0",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.smtp.port),
            "ENQUIRY_NOTIFY_EMAILS": SALES,
            # A script's visitor sends the form as soon as it has it: not spam here.
            "ENQUIRY_MIN_FILL_SECONDS": "0",
            **self.extra,
        }
        database_url = self.postgres.url("site")
        env = project_env(database_url, **settings)
        manage(env, "migrate", "--noinput", "-v0")
        if self.demo:
            manage(env, "load_demo", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")

        self.server = Server("site", "site", settings, database_url, self.work, probe="/robots.txt")
        stack.callback(self.server.stop)
        self.server.start()
        # The worker shares gunicorn's environment, its secret key included.
        self.worker = Worker(self.server.env, self.work)
        stack.callback(self.worker.stop)
        say(f"Ready in {time.perf_counter() - started:.1f} s\n")
