"""The audit log's reads written in batches: a page view costs no INSERT of its own.

journeys.audit_log's middleware records a view or an export of district data on every such
read. With a broker (production, the bench) each web process keeps the events in memory, in
the order they happened and with the moment they happened, and one thread of the process
writes them in one statement: every FLUSH_SECONDS, as soon as BATCH of them are waiting, and
when the process exits normally (atexit: a restart or a deploy stops gunicorn's workers
gracefully, and each writes what it holds before it goes). A write that fails (the database
restarting) keeps the events for the next one, up to LIMIT of them; beyond that the oldest are
logged and dropped, so a database down for long cannot exhaust the process's memory.

In the embedded mode (no broker: `make run`, the tests) each event is written at once, as
before.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Sequence
from typing import Final

from django.db import connection

from districts.models import AuditEvent

logger = logging.getLogger(__name__)

BATCH: Final = 50
FLUSH_SECONDS: Final = 2.0
LIMIT: Final = 10_000
# The columns written, as the model names them (`at` included: the moment of the read, not of
# the write, which the model's auto_now_add would give).
COLUMNS: Final = ("user", "username", "district_slug", "action", "path", "detail", "at")
WRITE_FAILED = "audit events not written (%s waiting): %s"
DROPPED = "audit buffer full: %s oldest events dropped (%s)"


def audit_events_insert(events: Sequence[AuditEvent]) -> None:
    """Insert `events` in one statement, each with its own `at` (set when it was recorded)."""
    if not events:
        return
    by_name = {field.name: field for field in AuditEvent._meta.concrete_fields}
    fields = [by_name[name] for name in COLUMNS]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    rows = [
        [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
        for event in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the model


class AuditBuffer:
    """A process's waiting events and the thread that writes them. Thread-safe."""

    def __init__(
        self,
        *,
        batch: int = BATCH,
        seconds: float = FLUSH_SECONDS,
        limit: int = LIMIT,
        thread: bool = True,
    ) -> None:
        """`thread` False: no writing thread (tests flush by hand); the exit's flush stays."""
        self.batch, self.seconds, self.limit, self.thread = batch, seconds, limit, thread
        self._events: list[AuditEvent] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._writer_pid: int | None = None

    def add(self, event: AuditEvent) -> None:
        """Keep `event` for the next write; wake the writer when a batch is waiting. Starts the
        writer in this process the first time (after gunicorn forked it)."""
        with self._lock:
            self._events.append(event)
            waiting = len(self._events)
            start = self._writer_pid != os.getpid()
            if start:
                self._writer_pid = os.getpid()
        if start:
            self._start_writer()
        if waiting >= self.batch:
            self._wake.set()

    def waiting(self) -> int:
        with self._lock:
            return len(self._events)

    def flush(self) -> int:
        """Write every waiting event; how many were written (0 when the write failed: they
        wait for the next one)."""
        with self._lock:
            events, self._events = self._events, []
        if not events:
            return 0
        try:
            audit_events_insert(events)
        except Exception as error:  # any failure keeps the events
            self._keep(events, error)
            return 0
        return len(events)

    def _keep(self, events: list[AuditEvent], error: Exception) -> None:
        with self._lock:
            self._events = events + self._events
            over = len(self._events) - self.limit
            if over > 0:
                del self._events[:over]
        logger.warning(WRITE_FAILED, len(events), error)
        if over > 0:
            logger.error(DROPPED, over, error)

    def _start_writer(self) -> None:
        atexit.register(self._flush_at_exit)
        if self.thread:
            threading.Thread(target=self._write_forever, name="audit-writer", daemon=True).start()

    def _flush_at_exit(self) -> None:
        if self._writer_pid == os.getpid():
            self.flush()

    def _write_forever(self) -> None:
        while True:
            self._wake.wait(self.seconds)
            self._wake.clear()
            try:
                self.flush()
                # This thread's connection: one a restarted database broke is opened again on
                # the next write.
                connection.close_if_unusable_or_obsolete()
            except Exception:  # the writer outlives any one failure
                logger.exception("audit writer")


# The web process's buffer (journeys.audit_log).
audit_buffer = AuditBuffer()
