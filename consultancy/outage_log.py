"""
Logging an outage once a minute per process, not once per request: a dead
dependency must not flood the log (or DJANGO_ADMINS) while it lasts.
"""

import threading
import time

LOG_INTERVAL_SECONDS = 60


class OncePerInterval:
    """A logger call that goes through at most once per LOG_INTERVAL_SECONDS."""

    def __init__(self, logger, level):
        self.logger, self.level = logger, level
        self._logged_at = None
        self._lock = threading.Lock()

    def __call__(self, message, *args):
        now = time.monotonic()
        with self._lock:
            if self._logged_at is not None and now - self._logged_at < LOG_INTERVAL_SECONDS:
                return
            self._logged_at = now
        self.logger.log(self.level, message, *args)

    def reset(self):
        """Log the next call whatever the interval (tests)."""
        self._logged_at = None
