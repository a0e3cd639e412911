"""Who was invited and who has answered is never joined to what anyone answered (domain.md,
"Privacy"; issue 15). After a campaign run with personal links (invited through the page,
answered through the page and the API, reminded, closed), this reads the database's schema, the
rows' traces, the application's log records, the access log's lines and the audit log, and finds
nothing that joins an invitation to a response."""

from __future__ import annotations

import datetime as dt
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from gunicorn.config import Config
from gunicorn.glogging import Logger

from districts.models import AuditEvent, District
from districts.tokens import token_digest
from surveys.models import Campaign, Invitation, InvitationTally, InvitedAddress, Response
from tests.surveys.conftest import campaign_of, every_answer
from tests.surveys.invitation_helpers import links_by_address, token_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
INVITATION_TABLES = {
    Invitation._meta.db_table,
    InvitationTally._meta.db_table,
    InvitedAddress._meta.db_table,
}
# Every column the invitation tables may have. A new one (a `used_at`, a `response_id`) fails
# this test until someone shows it joins nothing.
ALLOWED_COLUMNS = {
    Invitation._meta.db_table: {
        "id", "campaign_id", "email", "school_id", "nonce", "token_digest", "link_base",
        "delivery", "failures", "error", "reminded",
    },
    InvitationTally._meta.db_table: {"id", "campaign_id", "school_id", "invited", "answered"},
    InvitedAddress._meta.db_table: {"id", "campaign_id", "digest"},
}  # fmt: skip
TIME_WORDS = ("date", "time", "_at", "_on")
ADDRESSES = [f"staff{n}@maple.k12.or.us" for n in range(6)]


def access_line(method: str, url: str, status: int) -> str:
    """The line gunicorn's access log (gunicorn.conf.py's format) writes for this request."""
    log_format = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"]
    config = Config()
    config.set("access_log_format", log_format)
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": url,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    request = SimpleNamespace(headers=[])
    response = SimpleNamespace(status=f"{status} X", sent=0, headers=[])
    atoms = Logger(config).atoms(response, request, environ, dt.timedelta(milliseconds=5))
    return str(log_format % atoms)


class Requests:
    """A client that keeps the access log line of each request it makes."""

    def __init__(self) -> None:
        self.client = Client()
        self.lines: list[str] = []

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        self.lines.append(access_line("GET", url, response.status_code))
        return response

    def post(self, url: str, data: Any, **extra: Any) -> Any:
        response = self.client.post(url, data, **extra)
        self.lines.append(access_line("POST", url, response.status_code))
        return response


def answer_on_the_page(requests: Requests, link: str) -> None:
    """Open the mail's link, review, submit: the survey's three steps."""
    parts = urlsplit(link)
    page = requests.get(f"{parts.path}?{parts.query}").content.decode()
    submission_id = page.split('name="submission_id" value="')[1].split('"')[0]
    data = {"role": "teacher", "submission_id": submission_id, "invitation": token_of(link)}
    data |= {code: "4" for code in every_answer()}
    requests.post(parts.path, {**data, "action": "review"})
    assert requests.post(parts.path, {**data, "action": "submit"}).status_code == 303


def xmins(table: str) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, xmin::text::bigint FROM "{table}"')  # noqa: S608 - our tables
        return dict(cursor.fetchall())


def assert_schema_holds_no_join() -> None:
    introspection = connection.introspection
    with connection.cursor() as cursor:
        tables = introspection.table_names(cursor)
        for table in tables:
            relations = introspection.get_relations(cursor, table)
            targets = {relation[1] for relation in relations.values()}
            assert not (Response._meta.db_table in targets and targets & INVITATION_TABLES), table
            if table == Response._meta.db_table:
                assert not targets & INVITATION_TABLES
                columns = {c.name for c in introspection.get_table_description(cursor, table)}
                assert not [c for c in columns if "invit" in c or "token" in c], columns
            if table in INVITATION_TABLES:
                assert Response._meta.db_table not in targets, table
                columns = {c.name for c in introspection.get_table_description(cursor, table)}
                assert columns == ALLOWED_COLUMNS[table], table
                assert not [c for c in columns if any(word in c for word in TIME_WORDS)]
                for name, constraint in introspection.get_constraints(cursor, table).items():
                    assert set(constraint["columns"] or ()) <= ALLOWED_COLUMNS[table], name


def assert_logs_hold_no_secret(
    records: list[logging.LogRecord], lines: list[str], secrets: set[str], token: str
) -> None:
    for record in records:
        text = record.getMessage()
        assert not [secret for secret in secrets if secret in text], text
        assert not record.name.startswith(("surveys", "districts")), text
    # The access log's lines of a personal link are the shared link's: path only.
    survey_path = f"/s/{token}/"
    for line in lines:
        assert not [secret for secret in secrets if secret in line], line
        assert line.split()[1] in {survey_path, f"{survey_path}thanks/"} or line.split()[1] == (
            f"/api/v1/surveys/{token}/responses/"
        ), line


# Committed for real, a request per transaction as in production: inside one test transaction
# every row would share its transaction id, and the xmin check below would prove nothing.
@pytest.mark.django_db(transaction=True)
def test_nothing_joins_an_invitation_to_a_response(
    maple: District,
    leader_of_maple: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    campaign = campaign_of(maple, name="Maple spring survey", link_mode="both")
    leader = Client()
    leader.force_login(leader_of_maple)
    invitations_url = f"/districts/maple-valley/campaigns/{campaign.pk}/invitations/"
    listed = "\n".join(f"{address}, Maple Elementary" for address in ADDRESSES[:3])
    listed += "\n" + "\n".join(ADDRESSES[3:])
    assert leader.post(invitations_url, {"addresses": listed}).status_code == 302
    links = {address: found[0] for address, found in links_by_address().items()}
    tokens = {address: token_of(link) for address, link in links.items()}
    invitation_rows = list(Invitation.objects.values())
    secrets = {*ADDRESSES, *tokens.values(), *(token_digest(t) for t in tokens.values())}
    secrets |= {str(row["nonce"]) for row in invitation_rows}
    tallies_before = list(InvitationTally.objects.order_by("pk").values())
    tally_xmins = xmins(InvitationTally._meta.db_table) if connection.vendor == "postgresql" else {}
    audit_before = AuditEvent.objects.count()
    caplog.clear()

    # Three answer on the page, one through the API, one through the shared link.
    requests = Requests()
    for address in ADDRESSES[:3]:
        answer_on_the_page(requests, links[address])
    api = requests.post(
        f"/api/v1/surveys/{campaign.token}/responses/",
        {"role": "coach", "answers": every_answer(3), "invitation": tokens[ADDRESSES[3]]},
        content_type="application/json",
    )
    assert api.status_code == 201
    requests.post(
        f"/api/v1/surveys/{campaign.token}/responses/",
        {"role": "teacher", "answers": every_answer(5)},
        content_type="application/json",
    )
    answering_records = list(caplog.records)
    assert Response.objects.filter(campaign=campaign).count() == 5

    # --- the schema: no column, key or index that could hold the join ---------------------------
    assert_schema_holds_no_join()
    # Responses keep a date, never a time.
    assert not [
        f.name
        for f in Response._meta.concrete_fields
        if f.get_internal_type() in {"DateTimeField", "TimeField"}
    ]

    # --- the rows: used invitations are gone, nothing else moved ---------------------------------
    assert sorted(Invitation.objects.values_list("email", flat=True)) == sorted(ADDRESSES[4:])
    assert list(InvitationTally.objects.order_by("pk").values()) == tallies_before
    if connection.vendor == "postgresql":
        # Not even PostgreSQL's own trace of a row's last write: the tallies were not written by
        # an answer, and no invitation left shares a transaction with a response.
        assert xmins(InvitationTally._meta.db_table) == tally_xmins
        response_xmins = set(xmins(Response._meta.db_table).values())
        assert not set(xmins(Invitation._meta.db_table).values()) & response_xmins

    # --- the logs: nothing of the person at the moment they answered ----------------------------
    assert_logs_hold_no_secret(answering_records, requests.lines, secrets, campaign.token)
    # --- the audit log: answering records nothing ------------------------------------------------
    assert AuditEvent.objects.count() == audit_before

    # A reminder and the close: still nothing that names a respondent's link.
    mail.outbox.clear()
    leader.post(f"{invitations_url}remind/")
    leader.post(f"/districts/maple-valley/campaigns/{campaign.pk}/close/")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(ADDRESSES[4:])
    for record in caplog.records:
        text = record.getMessage()
        assert not [secret for secret in secrets if secret in text], text
    for event in AuditEvent.objects.all():
        assert not [secret for secret in secrets if secret in f"{event.path} {event.detail}"]
    assert not Invitation.objects.exists()
    assert not InvitedAddress.objects.exists()
    if connection.vendor == "postgresql":
        # The close rewrote every tally in its one transaction.
        assert len(set(xmins(InvitationTally._meta.db_table).values())) == 1
    assert sorted(InvitationTally.objects.values_list("invited", "answered")) == [(3, 1), (3, 3)]
    assert Campaign.objects.get(pk=campaign.pk).is_closed()
