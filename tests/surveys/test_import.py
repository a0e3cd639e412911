"""CSV import: all or nothing, every bad row named by line, streamed in batches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from surveys import api as surveys_api
from surveys import instrument_v1, services
from surveys import response_import_rows as import_rows
from surveys.models import Campaign, Response
from surveys.response_import import responses_import
from surveys.response_import_python import responses_import_python
from tests.clients import signed_in

pytestmark = pytest.mark.django_db

HEADER = ["role", "school", *instrument_v1.ITEM_CODES]
ROLES = ["teacher", "coach", "school_leader", "technology", "district_staff"]


def good_row(n: int) -> list[str]:
    school = ["Maple Elementary", "maple high school", ""][n % 3]
    answers = [str((n + i) % 5 + 1) if (n + i) % 7 else "" for i in range(27)]
    return [ROLES[n % 5], school, *answers]


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    out.write(",".join(header) + "\r\n")
    for row in rows:
        out.write(",".join(row) + "\r\n")
    return out.getvalue()


def thousand_rows() -> list[list[str]]:
    return [good_row(n) for n in range(1000)]


def test_a_file_with_one_bad_row_among_1000_stores_nothing_and_names_the_line(
    closed_campaign: Campaign,
) -> None:
    rows = thousand_rows()
    rows[611][2] = "7"  # the 612th data row: line 613 of the file, after the header
    report = responses_import(campaign=closed_campaign, lines=io.StringIO(csv_text(rows)))
    assert report.created == 0
    assert report.errors == [(613, import_rows.IMPORT_BAD_ANSWER.format(code="vision_1", cell="7"))]
    assert not Response.objects.exists()

    rows[611][2] = "3"  # corrected
    report = responses_import(campaign=closed_campaign, lines=io.StringIO(csv_text(rows)))
    assert report.ok
    assert report.created == 1000
    assert Response.objects.filter(campaign=closed_campaign).count() == 1000


def test_every_bad_row_is_reported_with_its_problems(maple_campaign: Campaign) -> None:
    rows = [good_row(n) for n in range(6)]
    rows[0][0] = "janitor"
    rows[2][1] = "Oak Middle School"
    rows[3][2:] = [""] * 27  # no answer at all: a valid response (method section 8, r6)
    rows[4][5] = "x"
    rows[4][6] = "0"
    report = responses_import(campaign=maple_campaign, lines=io.StringIO(csv_text(rows)))
    assert report.errors == [
        (2, services.UNKNOWN_ROLE.format(role="janitor")),
        (4, services.UNKNOWN_SCHOOL.format(school="Oak Middle School")),
        (
            6,
            import_rows.IMPORT_BAD_ANSWER.format(code=instrument_v1.ITEM_CODES[3], cell="x")
            + " "
            + import_rows.IMPORT_BAD_ANSWER.format(code=instrument_v1.ITEM_CODES[4], cell="0"),
        ),
    ]
    assert not Response.objects.exists()


def test_a_row_of_the_wrong_length_is_named(maple_campaign: Campaign) -> None:
    text = csv_text([good_row(1)]) + "teacher,\r\n"
    report = responses_import(campaign=maple_campaign, lines=io.StringIO(text))
    assert report.errors == [(3, import_rows.IMPORT_ROW_LENGTH.format(found=2, expected=29))]


def test_a_bad_header_is_line_1(maple_campaign: Campaign) -> None:
    header = ["role", "school", *instrument_v1.ITEM_CODES[:-1], "supportive_4"]
    report = responses_import(
        campaign=maple_campaign, lines=io.StringIO(csv_text([good_row(1)], header=header))
    )
    assert report.errors == [
        (
            1,
            import_rows.IMPORT_MISSING_COLUMNS.format(columns="supportive_3")
            + " "
            + import_rows.IMPORT_UNKNOWN_COLUMNS.format(columns="supportive_4"),
        )
    ]


def test_an_empty_file_is_refused(maple_campaign: Campaign) -> None:
    report = responses_import(campaign=maple_campaign, lines=io.StringIO(""))
    assert report.errors == [(1, import_rows.IMPORT_EMPTY_FILE)]


def test_scores_roles_schools_and_no_answers_are_stored_as_in_the_file(
    closed_campaign: Campaign,
) -> None:
    row = ["coach", "MAPLE ELEMENTARY", *[""] * 27]
    row[2:8] = ["4", "4", "5", "3", "3", "3"]  # the method's worked example, r1
    text = "\ufeff" + csv_text([row])  # spreadsheets' byte-order mark
    report = responses_import(campaign=closed_campaign, lines=io.StringIO(text))
    assert report.created == 1
    response = Response.objects.get()
    assert response.role == "coach"
    assert response.school is not None
    assert response.school.name == "Maple Elementary"
    assert response.vision == 3000  # 83.333... points, in 1/36 points
    assert response.plan == 1800
    assert response.strategy == 2400
    assert response.culture is None
    assert response.answers_by_code()["buy_in_1"] is None
    # The file has no dates: imported rows are dated inside the campaign's window.
    assert closed_campaign.opens_on <= response.submitted_on
    assert response.submitted_on <= closed_campaign.closes_at.date()


def test_the_import_reads_the_file_as_a_stream_in_batches(
    closed_campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Python path (SQLite's, and PostgreSQL's for files COPY cannot read) inserts its first
    batch long before the file is read to its end. The COPY path keeps the lines on disk
    instead (surveys/response_spool.py)."""
    read = 0
    lines_read_at_insert: list[int] = []

    def lines() -> Iterator[str]:
        nonlocal read
        yield ",".join(HEADER) + "\r\n"
        for n in range(5000):
            read += 1
            yield ",".join(good_row(n)) + "\r\n"

    original = Response.objects.bulk_create

    def recording_bulk_create(objs: Any, *args: Any, **kwargs: Any) -> Any:
        lines_read_at_insert.append(read)
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Response.objects, "bulk_create", recording_bulk_create)
    report = responses_import_python(campaign=closed_campaign, lines=lines())
    assert report.created == 5000
    assert lines_read_at_insert == [1000, 2000, 3000, 4000, 5000]


def test_the_command_imports_100000_rows_in_one_go(
    closed_campaign: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "responses.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        for n in range(100_000):
            out.write(",".join(good_row(n)) + "\r\n")
    stdout = io.StringIO()
    call_command(
        "import_responses", str(path), "--campaign", str(closed_campaign.pk), stdout=stdout
    )
    assert "Imported 100000 responses" in stdout.getvalue()
    assert Response.objects.filter(campaign=closed_campaign).count() == 100_000


def test_the_command_reports_every_bad_line_and_fails(
    closed_campaign: Campaign, tmp_path: Path
) -> None:
    rows = thousand_rows()
    rows[9][0] = ""
    rows[99][27] = "9"  # supportive_2
    path = tmp_path / "responses.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 bad row"):
        call_command(
            "import_responses", str(path), "--campaign", str(closed_campaign.pk), stderr=stderr
        )
    assert f"line 11: {services.ROLE_REQUIRED}" in stderr.getvalue()
    assert "line 101: " + import_rows.IMPORT_BAD_ANSWER.format(code="supportive_2", cell="9") in (
        stderr.getvalue()
    )
    assert not Response.objects.exists()


def test_the_command_names_an_unknown_campaign(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(csv_text([good_row(1)]), encoding="utf-8")
    with pytest.raises(CommandError, match="No campaign with id 999"):
        call_command("import_responses", str(path), "--campaign", "999")


def test_a_file_that_is_not_utf8_is_named(closed_campaign: Campaign, tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(csv_text([good_row(1)]).encode() + "teacher,Écoles\r\n".encode("latin-1"))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_responses", str(path), "--campaign", str(closed_campaign.pk), stderr=stderr
        )
    assert import_rows.IMPORT_NOT_UTF8 in stderr.getvalue()
    assert not Response.objects.exists()


# --- the endpoint ------------------------------------------------------------------------------


def url(campaign: Campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/responses/import/"


def test_a_consultant_imports_a_file_as_multipart(
    consultant_for_maple_and_oak: Any, closed_campaign: Campaign
) -> None:
    upload = io.BytesIO(csv_text(thousand_rows()).encode())
    upload.name = "responses.csv"
    imported = signed_in(consultant_for_maple_and_oak).post(url(closed_campaign), {"file": upload})
    assert imported.status_code == 201, imported.json()
    assert imported.json() == {"created": 1000}
    assert Response.objects.filter(campaign=closed_campaign).count() == 1000


def test_staff_import_a_text_csv_body(staff_user: Any, closed_campaign: Campaign) -> None:
    imported = signed_in(staff_user).post(
        url(closed_campaign), csv_text(thousand_rows()), content_type="text/csv"
    )
    assert imported.status_code == 201, imported.json()
    assert Response.objects.count() == 1000


def test_the_endpoint_names_every_bad_line_and_stores_nothing(
    staff_user: Any, closed_campaign: Campaign
) -> None:
    rows = thousand_rows()
    rows[499][1] = "Lincoln Elementary"
    imported = signed_in(staff_user).post(
        url(closed_campaign), csv_text(rows), content_type="text/csv; charset=utf-8"
    )
    assert imported.status_code == 400
    assert imported.json() == {
        "detail": surveys_api.IMPORT_FAILED,
        "errors": [
            {"line": 501, "message": services.UNKNOWN_SCHOOL.format(school="Lincoln Elementary")}
        ],
    }
    assert not Response.objects.exists()


def test_a_leader_may_not_import(leader_of_maple: Any, closed_campaign: Campaign) -> None:
    imported = signed_in(leader_of_maple).post(
        url(closed_campaign), csv_text(thousand_rows()), content_type="text/csv"
    )
    assert imported.status_code == 403
    assert imported.json()["detail"] == surveys_api.IMPORT_NOT_ALLOWED
    assert not Response.objects.exists()


def test_a_consultant_of_other_districts_gets_404(
    consultant_for_maple_and_oak: Any, birch: Any
) -> None:
    from tests.surveys.conftest import campaign_of

    birch_campaign = campaign_of(birch)
    imported = signed_in(consultant_for_maple_and_oak).post(
        url(birch_campaign), csv_text([good_row(1)]), content_type="text/csv"
    )
    assert imported.status_code == 404


def test_a_request_without_a_file_is_told_how_to_send_one(
    staff_user: Any, closed_campaign: Campaign
) -> None:
    imported = signed_in(staff_user).post(url(closed_campaign), {"other": "x"})
    assert imported.status_code == 400
    assert imported.json()["detail"] == surveys_api.IMPORT_NO_FILE


def test_an_import_asks_for_scores_once_not_once_per_row(
    closed_campaign: Campaign,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from surveys import queueing

    calls: list[int] = []
    monkeypatch.setattr(queueing, "campaign_scores_request", calls.append)
    rows = [good_row(n) for n in range(2500)]
    with django_capture_on_commit_callbacks(execute=True):
        report = responses_import(campaign=closed_campaign, lines=io.StringIO(csv_text(rows)))
    assert report.created == 2500
    assert calls == [closed_campaign.pk]
    closed_campaign.refresh_from_db()
    assert closed_campaign.scores_dirty


@pytest.mark.parametrize("cell", ["²", "٣", "3.5", "+3", "0", "6.0", "three", "1e0", ".0"])
def test_a_cell_that_is_not_one_digit_from_1_to_5_is_named_by_line_and_column(
    maple_campaign: Campaign, tmp_path: Path, cell: str
) -> None:
    """Unicode digits ("²" passes str.isdigit but not int) are refused with the file's line
    and the item's column, never a traceback."""
    rows = [good_row(n) for n in range(3)]
    rows[1][4] = cell  # vision_3
    path = tmp_path / "responses.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 bad row"):
        call_command(
            "import_responses", str(path), "--campaign", str(maple_campaign.pk), stderr=stderr
        )
    assert stderr.getvalue() == (
        "line 3: " + import_rows.IMPORT_BAD_ANSWER.format(code="vision_3", cell=cell) + "\n"
    )
    assert not Response.objects.exists()


def test_whole_numbers_written_with_zero_decimals_are_answers(maple_campaign: Campaign) -> None:
    """A data frame writes a whole-number column that has empty cells as 4.0, 2.0, ..."""
    row = ["teacher", "", *[""] * 27]
    row[2:8] = ["4.0", "4.00", " 5.0 ", "3", "3.0", ""]  # vision_1..3, plan_1..3
    report = responses_import(campaign=maple_campaign, lines=io.StringIO(csv_text([row])))
    assert report.ok, report.errors
    response = Response.objects.get()
    assert [response.answers_by_code()[f"vision_{i}"] for i in (1, 2, 3)] == [4, 4, 5]
    assert [response.answers_by_code()[f"plan_{i}"] for i in (1, 2, 3)] == [3, 3, None]
