"""
The check psycopg's pool runs on each connection it hands out (settings).

After a database restart every idle connection in a pool is broken alike.
psycopg_pool finds that out one connection at a time, pausing between
attempts (about 1 s, then 2 s): longer than a request may wait, so the first
requests after a restart would fail. On the first broken connection this
check has the pool test all its idle ones at once, so that the broken are
replaced together and the request gets a fresh connection straight away.
"""

from psycopg_pool import ConnectionPool


def check_connection(connection):
    try:
        ConnectionPool.check_connection(connection)
    except Exception:
        # The pool sets _pool on a connection it is handing out.
        pool = getattr(connection, "_pool", None)
        if pool is not None:
            pool.check()
        raise
