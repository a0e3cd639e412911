"""CSV import of responses: all or nothing, every bad row named by its line in the file.

Two ways, one result. On PostgreSQL the file goes through COPY into a staging table, is checked
by one query and scored and stored by one INSERT ... SELECT (surveys/response_copy.py); on
SQLite, and for the files COPY cannot read as Python's csv module does, every row is read,
checked and scored in Python (surveys/response_import_python.py). Both store the same rows and
give the same report, word for word; the checks and the words are in
surveys/response_import_rows.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from surveys.models import Campaign
from surveys.response_copy import responses_import_copy
from surveys.response_import_python import responses_import_python
from surveys.response_import_rows import ImportReport


def responses_import(*, campaign: Campaign, lines: Iterable[str]) -> ImportReport:
    """Import CSV rows (role, school, then one column per item code) into the campaign.

    All or nothing: any bad row stores nothing, and the report names every bad row by its line
    number in the file. `lines` is read once, as a stream, and never held in memory whole.
    Works for an open or a closed campaign (historical data).
    """
    if connection.vendor == "postgresql":
        return responses_import_copy(campaign=campaign, lines=lines)
    return responses_import_python(campaign=campaign, lines=lines)
