"""The two ways of importing a CSV file store the same rows and give the same report.

On PostgreSQL, surveys.response_import goes by COPY (surveys/response_copy.py) and falls back to
the Python path (surveys/response_import_python.py) for the files COPY cannot read as
csv.reader does. Each test runs a file through both and compares what they store (every column
but the random submission id and the row id) or report, line for line and word for word; a spy
on the fallback proves which way the PostgreSQL run went.
"""

from __future__ import annotations

import codecs
import io
import itertools
import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from onpoint.method.scoring import ItemSpec
from surveys import instrument_v1, response_copy
from surveys.models import SCORE_COLUMNS, Campaign, Response
from surveys.response_copy_sql import ABSENT, dimension_table, dimensions_looked_up
from surveys.response_import import responses_import
from surveys.response_import_python import responses_import_python
from surveys.response_import_rows import ImportReport
from surveys.response_spool import line_is_plain
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

CODES = list(instrument_v1.ITEM_CODES)
HEADER = ["role", "school", *CODES]
ROLES = ["teacher", "coach", "school_leader", "technology", "district_staff"]


def csv_line(cells: Iterable[str]) -> str:
    return ",".join(cells) + "\r\n"


def csv_text(rows: Iterable[list[str]], header: list[str] = HEADER) -> str:
    return csv_line(header) + "".join(csv_line(row) for row in rows)


class Fallbacks:
    """Counts the COPY path's hand-overs to the Python path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0

        def spy(**kwargs: Any) -> ImportReport:
            self.count += 1
            return responses_import_python(**kwargs)

        monkeypatch.setattr(response_copy, "responses_import_python", spy)


@pytest.fixture
def fallbacks(requires_postgres: None, monkeypatch: pytest.MonkeyPatch) -> Fallbacks:
    return Fallbacks(monkeypatch)


def stored(campaign: Campaign) -> list[tuple[Any, ...]]:
    """Every stored column but the row id and the random submission id, in file order."""
    return [
        (
            row.role,
            row.school_id,
            row.submitted_on,
            bytes(row.answers),
            *(getattr(row, column) for column in SCORE_COLUMNS),
        )
        for row in Response.objects.filter(campaign=campaign).order_by("id")
    ]


def both_paths(campaign: Campaign, text: str) -> tuple[Any, Any]:
    """(report, rows) of the PostgreSQL import, then of the Python path, from an empty campaign
    each time."""
    results = []
    for importer in (responses_import, responses_import_python):
        Response.objects.filter(campaign=campaign).delete()
        report = importer(campaign=campaign, lines=io.StringIO(text, newline=""))
        results.append((report, stored(campaign)))
    return results[0], results[1]


def every_combination_rows() -> list[list[str]]:
    """216 rows: row k gives each dimension's three items the k-th of the 6**3 combinations of
    no answer and 1..5, so every dimension (the reverse-coded item's too) meets every case of
    method section 3, rows with no answer at all included. Roles and schools turn over."""
    schools = ["Maple Elementary", "MAPLE HIGH SCHOOL", "", " maple elementary "]
    rows = []
    for k, combination in enumerate(itertools.product(["", "1", "2", "3", "4", "5"], repeat=3)):
        role = ROLES[k % 5] if k % 7 else ROLES[k % 5].upper()
        rows.append([role, schools[k % 4], *(combination * 9)])
    return rows


def test_every_role_school_and_answer_combination_stores_the_same_rows(
    closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    text = csv_text(every_combination_rows())
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(closed_campaign, text)
    assert fallbacks.count == 0
    assert copy_report == python_report == ImportReport(created=216)
    assert copy_rows == python_rows
    assert {row[0] for row in copy_rows} == set(ROLES)
    assert any(row[4] is None for row in copy_rows)  # an absent dimension
    assert any(row[4] == 3600 for row in copy_rows)


def test_random_files_store_the_same_rows(closed_campaign: Campaign, fallbacks: Fallbacks) -> None:
    """Answers written as spreadsheets write them: padded, with zero decimals, with Unicode
    spaces; a school whose name folds ('ß' is 'ss'); columns in another order."""
    SchoolFactory(district=closed_campaign.district, name="Straße Academy")
    rng = random.Random(13)
    cells = ["", "1", "2", "3", "4", "5", " 4", "3.0", "5.00 ", "\u00a02\u3000", "\t", " "]
    schools = ["", "Maple Elementary", "STRASSE ACADEMY", "straße academy"]
    header = ["school", *reversed(CODES), "role"]
    rows = [
        [rng.choice(schools), *(rng.choice(cells) for _ in CODES), f" {rng.choice(ROLES)} "]
        for _ in range(1500)
    ]
    text = "\ufeff" + csv_text(rows, header=header) + csv_line([""] * 29) + "\r\n"
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(closed_campaign, text)
    assert fallbacks.count == 0
    assert copy_report == python_report == ImportReport(created=1500)
    assert copy_rows == python_rows


def test_a_file_quoted_as_spreadsheets_quote_goes_by_copy(
    maple_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    SchoolFactory(district=maple_campaign.district, name='Oak, "North" Campus')
    rows = [
        ['"teacher"', '"Oak, ""North"" Campus"', *(['"4"', '""', "5"] * 9)],
        ['"coach"', '""', *(['"1"'] * 27)],
    ]
    text = csv_line(f'"{name}"' for name in HEADER) + "".join(csv_line(row) for row in rows)
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(maple_campaign, text)
    assert fallbacks.count == 0
    assert copy_report == python_report == ImportReport(created=2)
    assert copy_rows == python_rows
    assert copy_rows[0][1] is not None


BAD_CELLS = ["²", "٣", "3.5", "+3", "0", "6.0", "three", "1e0", ".0", "3.0.0", "4 4", "'4'"]


def test_a_bad_file_gets_the_same_report_and_stores_nothing(
    closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    rows = every_combination_rows()[:60]
    for index, cell in enumerate(BAD_CELLS):
        rows[index * 4][2 + index] = cell
    rows[1][0] = "janitor"
    rows[2][0] = " "
    rows[3][0] = "DİSTRICT_STAFF"  # Python lowers İ to i + a dot above: not a role
    rows[5][1] = "Oak Middle School"
    rows[9][:3] = ["principal", "Lincoln", "9"]  # three problems on one line
    rows[11] = [""] * 29  # blank: skipped, never reported
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(
        closed_campaign, csv_text(rows)
    )
    assert fallbacks.count == 0
    assert copy_report.created == 0
    assert copy_report.errors == python_report.errors
    assert len(copy_report.errors) == len(BAD_CELLS) + 5  # rows 0, 4, ... 44, and 1, 2, 3, 5, 9
    assert [line for line, _ in copy_report.errors][:3] == [2, 3, 4]
    assert copy_rows == python_rows == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a ragged row", csv_text([["teacher", "", *[""] * 27], ["coach", ""]])),
        ("a quote inside a cell", csv_text([["teacher", 'Maple "Elm"', *["4"] * 27]])),
        ("a cell quoted over two lines",
         csv_text([["teacher", '"Maple\nElementary"', *["4"] * 27], ["x", "", *["7"] * 27]])),
        ("a line holding only \\.", csv_text([["coach", "", *["2"] * 27]]) + "\\.\r\n"
         + csv_line(["coach", "", *["2"] * 27])),
        ("mixed line endings", csv_line(HEADER) + csv_line(["coach", "", *["2"] * 27])[:-2]
         + "\n" + csv_line(["teacher", "", *["3"] * 27])),
        ("a bad header", csv_text([["teacher", "", *["4"] * 27]], header=[*HEADER[:-1], "x"])),
        ("an empty file", ""),
    ],
)  # fmt: skip
def test_a_file_copy_cannot_read_goes_to_python(
    closed_campaign: Campaign, fallbacks: Fallbacks, name: str, text: str
) -> None:
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(closed_campaign, text)
    assert fallbacks.count == 1, name
    assert copy_report == python_report
    assert copy_rows == python_rows


def test_blank_lines_among_the_rows_keep_every_line_number(
    closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    """csv.reader skips a blank line; COPY gets it as a row of empty cells, skipped too."""
    good = csv_line(["coach", "", *["4"] * 27])
    text = csv_line(HEADER) + good + "\r\n" + " \t\r\n" + good + "\r\n"
    text += csv_line(["janitor", "", *["4"] * 27]) + good + "\r\n\r\n"
    (copy_report, _), (python_report, _) = both_paths(closed_campaign, text)
    assert copy_report == python_report
    assert [line for line, _ in copy_report.errors] == [7]
    (copy_report, copy_rows), (python_report, python_rows) = both_paths(
        closed_campaign, text.replace("janitor", "teacher")
    )
    assert copy_report == python_report == ImportReport(created=4)
    assert copy_rows == python_rows
    assert fallbacks.count == 0


def test_a_file_that_breaks_off_as_bad_utf8_gets_the_same_report(
    closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    rows = [["teacher", "", *["4"] * 27]] * 3 + [["janitor", "", *["4"] * 27]]
    body = csv_text(rows).encode() + "teacher,Écoles\r\n".encode("latin-1")

    def lines() -> Iterator[str]:
        return codecs.iterdecode(io.BytesIO(body), "utf-8")

    reports = [responses_import(campaign=closed_campaign, lines=lines())]
    reports.append(responses_import_python(campaign=closed_campaign, lines=lines()))
    assert fallbacks.count == 1
    assert reports[0] == reports[1]
    assert reports[0].errors[-1][0] == 6
    assert not Response.objects.exists()


def test_a_huge_bad_file_reports_every_bad_line(
    closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    rows = [["teacher", "Nowhere", *["4"] * 26, str(n % 9 + 6)] for n in range(30_000)]
    rows[12_345][0] = "coach"
    (copy_report, copy_rows), (python_report, _) = both_paths(closed_campaign, csv_text(rows))
    assert fallbacks.count == 0
    assert len(copy_report.errors) == 30_000
    assert [line for line, _ in copy_report.errors] == list(range(2, 30_002))
    assert copy_report.errors == python_report.errors
    assert copy_rows == []


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ("teacher,,4,5\r\n", True),
        ('"teacher","Oak, ""North""",4\n', True),
        ('"teacher","",4', True),
        ('teacher,Maple "Elm",4\r\n', False),
        ('"teacher"x,,4\r\n', False),
        ('teacher,"Maple\r\n', False),
        ("teacher,a\rb,4\r\n", False),
        ("\\.\r\n", False),
        ("teacher,\x00,4\n", False),
    ],
)
def test_a_line_is_plain_when_copy_reads_it_as_csv_reader_does(line: str, plain: bool) -> None:
    assert line_is_plain(line) is plain


def test_the_endpoint_imports_by_copy(
    staff_user: Any, closed_campaign: Campaign, fallbacks: Fallbacks
) -> None:
    from tests.clients import signed_in

    imported = signed_in(staff_user).post(
        f"/api/v1/campaigns/{closed_campaign.pk}/responses/import/",
        csv_text(every_combination_rows()),
        content_type="text/csv",
    )
    assert imported.status_code == 201, imported.json()
    assert imported.json() == {"created": 216}
    assert fallbacks.count == 0


def test_the_dimension_table_holds_the_worked_example() -> None:
    """Method section 8: vision 4, 4, 5 is 83.333 points (3000 units); 2, -, 3 is 37.5 (1350);
    5, -, - is absent. The table is indexed by the answers in base 6, 0 for no answer."""
    vision = tuple(item for item in item_specs_v1() if item.dimension == "vision")
    table = dimension_table(vision)
    assert len(table) == 6**3
    assert table[4 * 36 + 4 * 6 + 5] == 3000
    assert table[2 * 36 + 0 * 6 + 3] == 1350
    assert table[5 * 36] == ABSENT
    assert dimensions_looked_up(item_specs_v1())


def item_specs_v1() -> list[ItemSpec]:
    return [
        ItemSpec(
            code=item["code"], dimension=item["dimension"], reverse_coded=item["reverse_coded"]
        )
        for item in instrument_v1.DEFINITION["items"]
    ]
