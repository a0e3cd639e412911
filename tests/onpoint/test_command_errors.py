"""`manage.py recompute` and `manage.py import_responses` on bad input, as run from a shell:
a message that says what is wrong, a non-zero exit status, nothing stored, no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import execute_from_command_line
from django.db import connections

from onpoint.models import BenchmarkVersion, CampaignResult, GroupScore
from surveys import instrument_v1
from surveys.models import Campaign, Response
from tests.onpoint.builders import closed_campaign_of

pytestmark = pytest.mark.django_db

HEADER = ["role", "school", *instrument_v1.ITEM_CODES]


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run from the command line closes every connection when it ends, which on
    PostgreSQL would close the test's own transaction under it."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run a command as `python manage.py ...` does: its exit status and what it printed."""
    try:
        execute_from_command_line(["manage.py", *argv])
        code: object = 0
    except SystemExit as exit_:
        code = exit_.code
    printed = capsys.readouterr()
    return (code if isinstance(code, int) else 1), printed.out + printed.err


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def good_row() -> list[str]:
    """Every item scores 75: 4 (Agree), and 2 for the reverse-coded buy_in_3."""
    return [
        "teacher",
        "",
        *("2" if code == "buy_in_3" else "4" for code in instrument_v1.ITEM_CODES),
    ]


def nothing_stored() -> bool:
    return not (
        Response.objects.exists()
        or GroupScore.objects.exists()
        or CampaignResult.objects.exists()
        or BenchmarkVersion.objects.exists()
    )


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["--campaign", "999999"], 1, "CommandError: No campaign with id 999999."),
        (["--campaign", str(10**30)], 1, f"CommandError: No campaign with id {10**30}."),
        (["--campaign", "abc"], 2, "argument --campaign: invalid int value: 'abc'"),
        (
            ["--campaign", "1", "--benchmarks-only"],
            1,
            "CommandError: --campaign and --benchmarks-only do not go together.",
        ),
        (["--everything"], 2, "unrecognized arguments: --everything"),
    ],
)
def test_recompute_refuses_bad_arguments_with_a_message_and_a_failing_status(
    capsys: pytest.CaptureFixture[str], argv: list[str], status: int, message: str
) -> None:
    code, printed = run(capsys, "recompute", "--no-progress", *argv)
    assert code == status
    assert message in printed
    assert "Traceback" not in printed
    assert nothing_stored()


def test_import_into_an_unknown_campaign_fails_with_its_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "ok.csv", [good_row()])
    code, printed = run(capsys, "import_responses", str(path), "--campaign", "424242")
    assert code == 1
    assert "CommandError: No campaign with id 424242." in printed
    assert "Traceback" not in printed
    assert nothing_stored()


def malformed_files(tmp_path: Path) -> list[tuple[Path, str]]:
    """Files each with one fault, and the words that name it (line and, where it has one,
    column)."""
    wrong_cell = good_row()
    wrong_cell[4] = "²"  # vision_3; str.isdigit() says yes, int() says no
    role = good_row()
    role[0] = "principal"
    unterminated = good_row()
    unterminated[1] = '"Lincoln'
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00r\x00o\x00l\x00e\x00")
    return [
        (write_csv(tmp_path / "cell.csv", [good_row(), wrong_cell]), "line 3: Column vision_3"),
        (write_csv(tmp_path / "role.csv", [role]), "line 2: Unknown role 'principal'"),
        (write_csv(tmp_path / "short.csv", [good_row()[:-1]]), "line 2: The row has 28 cells"),
        (
            write_csv(tmp_path / "header.csv", [good_row()], header=[*HEADER[:-1], "vision_9"]),
            "line 1: The header lacks the column(s): supportive_3.",
        ),
        (write_csv(tmp_path / "quote.csv", [good_row(), unterminated]), "line 3:"),
        (binary, "line 1: The file is not UTF-8 text"),
        (tmp_path / "missing.csv", "CommandError: Cannot read"),
        (tmp_path, "CommandError: Cannot read"),
    ]


def test_a_malformed_file_names_the_line_and_column_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, maple: Any
) -> None:
    campaign: Campaign = closed_campaign_of(maple)
    for path, words in malformed_files(tmp_path):
        code, printed = run(capsys, "import_responses", str(path), "--campaign", str(campaign.pk))
        assert code == 1, path.name
        assert words in printed, (path.name, printed)
        assert "Traceback" not in printed, path.name
        assert not Response.objects.exists(), path.name


def test_a_good_file_then_recompute_succeed_with_status_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, maple: Any
) -> None:
    campaign: Campaign = closed_campaign_of(maple)
    path = write_csv(tmp_path / "ok.csv", [good_row()] * 5)
    code, printed = run(capsys, "import_responses", str(path), "--campaign", str(campaign.pk))
    assert (code, Response.objects.count()) == (0, 5), printed
    code, printed = run(capsys, "recompute", "--no-progress", "--campaign", str(campaign.pk))
    assert code == 0, printed
    whole = GroupScore.objects.get(campaign=campaign, breakdown="whole")
    assert (whole.onpoint, whole.onpoint_n) == (75.0, 5)
