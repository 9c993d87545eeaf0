"""
gunicorn's settings, for `make serve` and deploy/consultancy-web.service:

    gunicorn --config gunicorn.conf.py consultancy.wsgi

Options given on the command line win over these (`--bind`, `--workers`…).
README, "Deployment", says how the site runs behind a TLS proxy.
"""

import os

# On the loopback interface only: the TLS proxy in front is the way in. Set
# explicitly because gunicorn, seeing PORT in the environment, would
# otherwise listen on every interface (0.0.0.0:$PORT).
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Sync workers, each serving one request at a time: pages are short database
# reads, and a worker per core and a half keeps the cores busy while others
# wait for PostgreSQL. Capped: each worker holds its own database connection
# pool and memory. WEB_CONCURRENCY (the usual name) sets the count outright.
MAX_WORKERS = 8
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, MAX_WORKERS))

# A request still running after 30 s is a stuck worker: it is killed and
# replaced (the visitor gets a 502 from the proxy, not an endless wait).
timeout = 30
# On a stop or reload, requests under way get this long to finish.
graceful_timeout = 30
# The proxy may reuse a connection for a moment (sync workers close at once anyway).
keepalive = 2

# A fresh worker now and then, so that slow growth in memory cannot add up;
# the jitter keeps all the workers from restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# The access log to standard output and errors to standard error: the
# process manager (journald) keeps them.
accesslog = "-"
errorlog = "-"

# Workers prove they are alive by touching a file every few seconds; on a
# disk-backed /tmp a busy disk can stall that long enough to have healthy
# workers killed. /dev/shm is memory.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (gunicornc) is off: reloads and stops go through
# signals (systemctl reload sends HUP), and two servers on one machine would
# share its default path in the home folder.
control_socket_disable = True
