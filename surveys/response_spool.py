"""A CSV file's lines kept on disk, in order and exactly as read, for the COPY import.

The COPY path reads the file once, from a stream that cannot be rewound (an upload, a request
body). It keeps every line in a temporary file: COPY reads the data lines from there in big
chunks, and when COPY cannot read the file as Python's csv module does, the Python path reads
the very same lines again, in the same pieces, ending with the same decoding error if the
stream had one. While it keeps the lines, the spool notes whether each one is plain enough for
COPY to read exactly as csv.reader does: one line one record, no quote out of place.
"""

from __future__ import annotations

import csv
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import IO, Self

# A line whose every field is either unquoted and free of quotes, or quoted from end to end
# with its quotes doubled inside: PostgreSQL's CSV COPY and Python's csv.reader read it alike.
# Elsewhere they part (a"b"c is a"b"c to Python, abc to COPY), so such a file goes to Python.
_FIELD = r'(?:"(?:[^"]|"")*"|[^",]*)'
_WELL_QUOTED = re.compile(rf"{_FIELD}(?:,{_FIELD})*")
# PostgreSQL reads a line holding only \. as the end of the data.
_END_OF_DATA = "\\."
_CHUNK = 1 << 20


def _line_body(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith("\n") else line


def line_is_plain(line: str) -> bool:
    """Whether COPY (FORMAT csv) reads this line as one record with the cells csv.reader reads.

    Not plain: a line break inside the line (a quoted field over several lines, a lone carriage
    return), a quote out of place, a NUL, PostgreSQL's end-of-data mark, or a line longer than
    csv.reader's field size limit (Python refuses such a field; COPY would not).
    """
    body = _line_body(line)
    if "\r" in body or "\n" in body or "\x00" in body or body == _END_OF_DATA:
        return False
    if len(body) > csv.field_size_limit():
        return False
    return '"' not in body or _WELL_QUOTED.fullmatch(body) is not None


class LineSpool:
    """Every line of a stream, on disk; `plain` when COPY may read them all (`line_is_plain`).

    A blank line (nothing but spaces) is not plain to COPY, and csv.reader skips it: at the end
    of the file it is left out of COPY, and among the rows (`inner_blanks`) it goes to COPY as
    a row of empty cells, which the import skips likewise, so every line keeps its number.
    """

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self._ends = array("q")  # the byte offset where each line ends
        self.decode_error: UnicodeDecodeError | None = None
        self.plain = True
        self.last_content = -1  # the index of the last line with something but spaces on it
        self.inner_blanks: list[int] = []  # the indexes of blank lines before it
        self._blanks: list[int] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._file.close()

    @property
    def lines(self) -> int:
        return len(self._ends)

    def fill(self, lines: Iterable[str]) -> None:
        """Read the stream to its end, or to its first byte that is not UTF-8."""
        pending: list[bytes] = []
        size = 0
        position = 0
        source = iter(lines)
        while True:
            try:
                line = next(source)
            except StopIteration:
                break
            except UnicodeDecodeError as error:
                self.decode_error = error
                break
            data = line.encode()
            position += len(data)
            self._ends.append(position)
            self._note(line)
            pending.append(data)
            size += len(data)
            if size >= _CHUNK:
                self._file.write(b"".join(pending))
                pending.clear()
                size = 0
        self._file.write(b"".join(pending))

    def _note(self, line: str) -> None:
        index = len(self._ends) - 1
        if not line.strip():
            self._blanks.append(index)
            return
        if not line_is_plain(line):
            self.plain = False
        self.inner_blanks += self._blanks
        self._blanks.clear()
        self.last_content = index

    def replay(self) -> Iterator[str]:
        """The stream's lines again, as they came; then its decoding error, if it had one."""
        self._file.seek(0)
        start = 0
        for end in self._ends:
            yield self._file.read(end - start).decode()
            start = end
        if self.decode_error is not None:
            raise self.decode_error

    def chunks(self, first: int, last: int, empty_row: bytes) -> Iterator[bytes]:
        """The bytes of lines `first` to `last` (indexes, both included), in big pieces; each
        blank line among them as `empty_row` followed by its own line ending."""
        start = first
        for blank in [*(i for i in self.inner_blanks if first <= i <= last), last + 1]:
            yield from self._span(start, blank - 1)
            if blank <= last:
                line = b"".join(self._span(blank, blank))
                yield empty_row + line[len(line.rstrip(b"\r\n")) :]
            start = blank + 1

    def _span(self, first: int, last: int) -> Iterator[bytes]:
        start = self._ends[first - 1] if first else 0
        end = self._ends[last] if last >= first else start
        self._file.seek(start)
        while start < end:
            chunk = self._file.read(min(_CHUNK, end - start))
            start += len(chunk)
            yield chunk
