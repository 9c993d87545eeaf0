"""
The task worker, as django-tasks-db's `db_worker`, but one that survives a
database outage: where the library's worker exits, this one logs the outage
(once a minute), waits, reconnects and carries on, so that enquiries that
arrive during or after the outage are sent without anyone touching it.

    python manage.py db_worker --no-reload

It takes the library's options. It replaces the library's command because
consultancy comes before django_tasks_db in INSTALLED_APPS. Run it under a
process manager all the same (deploy/), which restarts it on any other exit.
"""

import logging
import os
import time

from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from consultancy.outage_log import OncePerInterval

logger = logging.getLogger(__name__)

RECONNECT_DELAY_SECONDS = 1


class ResilientWorker(db_worker.Worker):
    def run(self):
        log_error = OncePerInterval(logger, logging.ERROR)
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                log_error(
                    "The database is not answering (%s); the worker waits and "
                    "tries again every %s s (logged once a minute).",
                    error,
                    RECONNECT_DELAY_SECONDS,
                )
                # Broken connections must not be reused when it comes back.
                connections.close_all()
                time.sleep(RECONNECT_DELAY_SECONDS)


class Command(db_worker.Command):
    help = "Run the database task worker, waiting out database outages."

    def handle(self, *, verbosity, queue_name, batch, reload, exclude_queues, **options):
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
