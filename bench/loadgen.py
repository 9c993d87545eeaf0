"""
Load generators for the benchmark: wrk, or Python threads when wrk cannot be
had. Each `measure(url, connections)` loads one URL for a fixed time and
returns a Run (requests/s, p50, p99, errors).

Only 127.0.0.1 is ever requested: every URL is checked before it is loaded.
"""

import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from contextlib import suppress

from common import HOST, Run, percentile, say


def ensure_wrk():
    if shutil.which("wrk"):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    say("wrk is missing: installing it with apt-get")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for commands in (
        [["apt-get", "install", "-y", "wrk"]],
        [["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]],
    ):
        with suppress(subprocess.SubprocessError, OSError):
            for command in commands:
                subprocess.run(command, env=apt_env, check=True, timeout=300,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
            if shutil.which("wrk"):
                return True
    return False


def only_this_host(url):
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"The benchmark only ever loads {HOST}, not {url}")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output):
    """Requests/s, p50, p99, errors (socket errors + non-2xx/3xx) from `wrk --latency`."""
    percentile = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.M))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p50_ms=wrk_ms(percentile["50"]),
        p99_ms=wrk_ms(percentile["99"]),
        errors=(sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx[1]) if non_2xx else 0),
        requests=int(re.search(r"(\d+) requests in", output)[1]),
    )


class Wrk:
    def __init__(self, threads, connections, duration):
        self.threads, self.connections, self.duration = threads, connections, duration
        version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        found = re.search(r"wrk (\S+)", version.stdout + version.stderr)
        self.description = (
            f"wrk {found[1] if found else ''} -t{threads} -c{connections} -d{duration}s --latency"
        )

    def measure(self, url, connections=None):
        only_this_host(url)
        connections = connections or self.connections
        threads = min(self.threads, connections)
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{self.duration}s",
             "--timeout", "5s", "--latency", url],
            capture_output=True, text=True, timeout=self.duration + 60, check=True,
        )  # fmt: skip
        return parse_wrk(result.stdout)


class PythonLoad:
    """
    The fallback when wrk cannot be had: threads with keep-alive connections
    (gunicorn's sync workers close them; we reconnect). The GIL caps it at a
    few thousand requests/s, so fast targets (the static file) are understated.
    """

    def __init__(self, connections, duration):
        self.connections, self.duration = connections, duration
        self.description = (
            f"Python threads ({connections} connections, {duration} s; "
            "wrk unavailable, fast targets are understated)"
        )

    def measure(self, url, connections=None):
        only_this_host(url)
        port, path = re.fullmatch(rf"http://{re.escape(HOST)}:(\d+)(.*)", url).groups()
        latencies, errors, lock = [], [0], threading.Lock()
        deadline = time.monotonic() + self.duration

        def worker():
            connection, mine, failed = None, [], 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(HOST, int(port), timeout=5)
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status >= 400:
                        failed += 1
                    if response.getheader("Connection", "").lower() == "close":
                        connection.close()
                        connection = None
                    mine.append(time.perf_counter() - started)
                except (OSError, http.client.HTTPException):
                    failed += 1
                    connection = None
            with lock:
                latencies.extend(mine)
                errors[0] += failed

        threads = [threading.Thread(target=worker) for _ in range(connections or self.connections)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.duration + 10)
        elapsed = time.monotonic() - started
        return Run(
            len(latencies) / elapsed,
            percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.99) * 1000,
            errors[0],
            len(latencies),
        )
