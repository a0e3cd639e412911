"""The audit log's reads written in batches (journeys/audit_buffer.py): with a broker, a read of
district data is kept by the web process and written with others, each event with the moment
of its read; none is lost when a write fails or the process exits."""

from __future__ import annotations

import atexit
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import AuditEvent
from journeys import audit_buffer as buffering
from journeys import audit_log
from journeys.audit_buffer import AuditBuffer, audit_buffer

pytestmark = pytest.mark.django_db

READ_AT = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    """What the buffer registers to run at the process's exit (atexit), not registered."""
    registered: list[Callable[[], None]] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    return registered


@pytest.fixture
def buffer(settings: Any, monkeypatch: pytest.MonkeyPatch, exits: Any) -> AuditBuffer:
    """Reads buffered as with a broker, in a buffer with no writing thread: flushed by hand."""
    settings.AUDIT_BUFFERED = True
    kept = AuditBuffer(batch=3, thread=False)
    monkeypatch.setattr(audit_log, "audit_buffer", kept)
    return kept


def rows() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEvent.objects.order_by("id").values_list("username", "district_slug", "action", "path")
    )


def test_a_buffered_read_is_written_by_the_flush_with_the_moment_it_was_read(
    client: Client, leader_of_maple: Any, buffer: AuditBuffer
) -> None:
    client.force_login(leader_of_maple)
    with time_machine.travel(READ_AT, tick=False), CaptureQueriesContext(connection) as captured:
        assert client.get("/districts/maple-valley/").status_code == 200
    assert not any("auditevent" in q["sql"].lower() for q in captured.captured_queries)
    assert rows() == []
    assert buffer.waiting() == 1

    with time_machine.travel(READ_AT + dt.timedelta(seconds=30), tick=False):
        assert buffer.flush() == 1

    assert rows() == [("maple.leader", "maple-valley", "view", "/districts/maple-valley/")]
    event = AuditEvent.objects.get()
    assert event.at == READ_AT
    assert event.user == leader_of_maple
    assert buffer.waiting() == 0
    assert buffer.flush() == 0


def test_a_batch_wakes_the_writer_and_the_flush_writes_every_read_in_one_statement(
    client: Client, leader_of_maple: Any, buffer: AuditBuffer
) -> None:
    client.force_login(leader_of_maple)
    for _ in range(2):
        client.get("/districts/maple-valley/")
    assert not buffer._wake.is_set()
    client.get("/compare/")
    assert buffer._wake.is_set()

    with CaptureQueriesContext(connection) as captured:
        assert buffer.flush() == 3
    assert len(captured.captured_queries) == 1
    assert [path for *_, path in rows()] == ["/districts/maple-valley/"] * 2 + ["/compare/"]


def test_a_failed_write_keeps_the_events_for_the_next_one(
    client: Client,
    leader_of_maple: Any,
    buffer: AuditBuffer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client.force_login(leader_of_maple)
    client.get("/districts/maple-valley/")
    insert = buffering.audit_events_insert

    def database_down(events: Any) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(buffering, "audit_events_insert", database_down)
    assert buffer.flush() == 0
    client.get("/compare/")
    assert buffer.waiting() == 2

    monkeypatch.setattr(buffering, "audit_events_insert", insert)
    assert buffer.flush() == 2
    assert [path for *_, path in rows()] == ["/districts/maple-valley/", "/compare/"]


def test_a_buffer_full_of_unwritten_events_drops_the_oldest(
    monkeypatch: pytest.MonkeyPatch, exits: Any, leader_of_maple: Any
) -> None:
    kept = AuditBuffer(batch=100, limit=2, thread=False)

    def database_down(events: Any) -> None:
        raise RuntimeError("database down")

    for n in range(3):
        kept.add(
            AuditEvent(
                user=leader_of_maple,
                username="maple.leader",
                action=AuditEvent.Action.VIEW,
                path=f"/districts/maple-valley/?n={n}",
                at=timezone.now(),
            )
        )
    monkeypatch.setattr(buffering, "audit_events_insert", database_down)
    kept.flush()
    monkeypatch.undo()
    assert kept.flush() == 2
    assert [path for *_, path in rows()] == [
        "/districts/maple-valley/?n=1",
        "/districts/maple-valley/?n=2",
    ]


def test_the_process_writes_what_it_holds_when_it_exits(
    client: Client, leader_of_maple: Any, buffer: AuditBuffer, exits: list[Callable[[], None]]
) -> None:
    client.force_login(leader_of_maple)
    client.get("/districts/maple-valley/")
    client.get("/districts/maple-valley/")
    # Registered once, by the first read of the process.
    assert len(exits) == 1
    assert rows() == []

    exits[0]()

    assert len(rows()) == 2
    assert buffer.waiting() == 0


def test_the_embedded_mode_writes_each_read_at_once(
    client: Client, leader_of_maple: Any, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    if hasattr(settings, "AUDIT_BUFFERED"):
        del settings.AUDIT_BUFFERED
    client.force_login(leader_of_maple)
    client.get("/districts/maple-valley/")
    assert rows() == [("maple.leader", "maple-valley", "view", "/districts/maple-valley/")]
    assert audit_buffer.waiting() == 0
