"""
Servers of a test's own, to make a dependency fail for real: started on a free
port of 127.0.0.1 in a temporary folder, stopped by the test (never the
machine's shared PostgreSQL or Redis); and a Visitor to the site they serve.
The benchmark's outage and load scripts (bench/) use them too.
"""

import contextlib
import http.cookiejar
import http.server
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def machine_clock_environment():
    """
    This process's environment without faketime's: `make test-clock` moves
    the tests' clock by preloading libfaketime, which children inherit, and a
    redis-server under it never comes up. The servers keep the real time.
    """
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("FAKETIME")
    }
    preloaded = [
        library
        for library in environment.pop("LD_PRELOAD", "").replace(":", " ").split()
        if "faketime" not in library
    ]
    if preloaded:
        environment["LD_PRELOAD"] = " ".join(preloaded)
    return environment


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisServer:
    """A throwaway redis-server that keeps nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="test-redis-"))
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=machine_clock_environment(),
        )  # fmt: skip
        try:
            wait_until(lambda: accepts_connections(self.port), "redis-server")
        except BaseException:
            self.remove()  # a server that never came up is not left running
            raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """
    A throwaway PostgreSQL cluster (initdb into a temporary folder), run as the
    postgres user when the tests run as root, as PostgreSQL refuses root.
    """

    # Debian's server binaries, the newest installed version.
    BIN = max(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=None
    )

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="test-postgres-"))
        self.data = self.folder / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if _is_root() else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, program, *args):
        subprocess.run(
            [*self.as_postgres, str(self.BIN / program), *args],
            check=True,
            env=machine_clock_environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def url(self, name="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")  # fmt: skip
        return self

    def stop(self, mode="fast"):
        """Stop the server; mode "immediate" is a crash, as far as clients can tell."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql, params=(), name="site"):
        """The rows of one query against database `name`."""
        with psycopg.connect(self.url(name), connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()


class SmtpServer:
    """
    A mail server (aiosmtpd) that keeps every message it accepts, parsed, in
    `messages`. stop() closes its port as a mail server that is down would;
    start() opens the same port again.
    """

    def __init__(self):
        self.port = free_port()
        self.messages = []  # guarded by _lock: the server runs in a thread of its own
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted"

    def start(self):
        # A Controller's event loop is closed when it stops: a new one each time.
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
        self._controller = None

    remove = stop

    def received(self):
        """The messages so far (email.message.EmailMessage), in the order they came."""
        with self._lock:
            return list(self.messages)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer (302 after an enquiry)


class Visitor:
    """A browser without JavaScript: cookies, and every answer as it came."""

    def __init__(self, base_url, timeout=30):
        self.base_url, self.timeout = base_url, timeout
        self.statuses = []  # of every answer, in order
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirects()
        )

    def request(self, path, data=None):
        """(status, headers, page) of a GET, or of a POST of `data`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base_url + "/contact/")
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                answer = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            answer = error.code, error.headers, error.read().decode()
        self.statuses.append(answer[0])
        return answer

    def contact_form(self):
        """The contact form's hidden fields (CSRF token, signed start time…), its cookie kept."""
        _status, _headers, html = self.request("/contact/")
        hidden = r'<input type="hidden" name="(\w+)" value="([^"]*)"'
        return dict(re.findall(hidden, html))

    def send_enquiry(self, email, message, name="Ada", form=None):
        """
        Fill in and send the contact form, shown now or earlier (`form`, from
        contact_form()): (status, headers, page).
        """
        fields = self.contact_form() if form is None else form
        return self.request(
            "/contact/",
            {**fields, "name": name, "email": email, "message": message, "consent": "on",
             "website": ""},
        )  # fmt: skip


class WebhookReceiver:
    """
    An HTTP server that keeps every request it receives (headers with lower
    case names, raw body) and answers each with the next of `answers`: a
    status code, or (status, headers, seconds to wait first); 200 once they
    run out. stop() closes its port, as a receiver that is down would.
    """

    def __init__(self, answers=()):
        self.port = free_port()
        self.answers = list(answers)
        self.requests = []  # guarded by _lock: the server answers in threads of its own
        self._lock = threading.Lock()
        self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks/enquiries"

    def _answer(self):
        with self._lock:
            answer = self.answers.pop(0) if self.answers else 200
        return answer if isinstance(answer, tuple) else (answer, {}, 0)

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver.requests.append({"path": self.path, "headers": headers, "body": body})
                status, extra, delay = receiver._answer()
                time.sleep(delay)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        wait_until(lambda: accepts_connections(self.port), "webhook receiver")
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _is_root():
    import os

    return os.geteuid() == 0
