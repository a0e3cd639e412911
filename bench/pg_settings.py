"""PostgreSQL settings for this workload, the same in docker-compose.yml (`-c` flags of the
server) and on the bench's own database (`ALTER DATABASE ... SET`), so that every session of
the app under benchmark (gunicorn, the worker, manage.py) runs with them on the machine's
shared server without changing that server for anyone else.

Why each one (README, "PostgreSQL settings", has the measurements):
- jit off: the recompute's and the pages' aggregates run in milliseconds to seconds; compiling
  them costs more than it saves at this size.
- work_mem 64MB: the one-scan GROUPING SETS aggregate over millions of responses hashes every
  campaign's groups; at the default 4MB it spills to disk.
- maintenance_work_mem 256MB: index builds after the bulk loads (seed, import).
- random_page_cost 1.1, effective_io_concurrency 200: SSD storage, as on any current host.
Server-wide settings (shared_buffers, max_wal_size, effective_cache_size) need the server's own
configuration: compose sets them; the bench reports the server's values beside the figures.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

DATABASE_SETTINGS: dict[str, str] = {
    "jit": "off",
    "work_mem": "64MB",
    "maintenance_work_mem": "256MB",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
}
SERVER_SETTINGS: dict[str, str] = {
    "shared_buffers": "1GB",
    "effective_cache_size": "3GB",
    "max_wal_size": "4GB",
}
REPORTED = (*DATABASE_SETTINGS, *SERVER_SETTINGS, "max_connections")


def database_settings_apply(admin: Any, name: str) -> None:
    """Set this workload's settings on database `name` (psycopg connection `admin`, autocommit);
    every new session of that database starts with them."""
    for setting, value in DATABASE_SETTINGS.items():
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
            )
        )


def settings_read(cursor: Any) -> dict[str, str]:
    """The values a session of the bench's database really runs with."""
    found = {}
    for setting in REPORTED:
        cursor.execute(f"SHOW {setting}")
        found[setting] = str(cursor.fetchone()[0])
    return found
