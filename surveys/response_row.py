"""The compact stored form of one response (issue 13): answers as bytes, scores on the grid.

A response is stored as
- `answers`: one byte per item of the campaign's instrument, in the instrument's item order,
  holding the answer 1..5, or 0 for no answer ("Don't know / not applicable"). 27 bytes for
  instrument v1, where JSON took about 500.
- one small integer per dimension and category score, in grid units of 1/36 point
  (onpoint.method.grid), NULL when the score is absent. Sums are exact integers in SQL.
Item scores are not stored: they follow from the answers (method section 3.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from onpoint.method.grid import grid_check, scores_to_grid
from onpoint.method.scoring import ItemSpec, score_response
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN

NO_ANSWER = 0
ANSWERS_LENGTH = "the stored answers hold {found} items; the instrument has {expected}"
ANSWER_BYTE = "stored answer {value} to {code} is not 0 (no answer) or 1 to 5"
UNKNOWN_CODE = "answer to {code!r}, which is not an item of the instrument"


def answers_pack(codes: Sequence[str], answers: Mapping[str, int | None]) -> bytes:
    """One byte per item code, in `codes` order: the answer 1..5, or 0 for no answer.

    Raises ValueError for a code outside `codes` or an answer outside 1..5 (validated answers
    never have either; the data migration relies on this to refuse what it cannot carry).
    """
    known = set(codes)
    for code in answers:
        if code not in known:
            raise ValueError(UNKNOWN_CODE.format(code=code))
    packed = bytearray(len(codes))  # zeros: no answer
    for index, code in enumerate(codes):
        value = answers.get(code)
        if value is None:
            continue
        if isinstance(value, int) and ANSWER_MIN <= value <= ANSWER_MAX:
            packed[index] = value
        else:
            raise ValueError(ANSWER_BYTE.format(value=value, code=code))
    return bytes(packed)


def answers_unpack(codes: Sequence[str], packed: bytes | memoryview) -> dict[str, int | None]:
    """Every item code mapped to its answer 1..5, or None for no answer."""
    raw = bytes(packed)
    if len(raw) != len(codes):
        raise ValueError(ANSWERS_LENGTH.format(found=len(raw), expected=len(codes)))
    answers: dict[str, int | None] = {}
    for code, value in zip(codes, raw, strict=True):
        if value == NO_ANSWER:
            answers[code] = None
        elif ANSWER_MIN <= value <= ANSWER_MAX:
            answers[code] = value
        else:
            raise ValueError(ANSWER_BYTE.format(value=value, code=code))
    return answers


@lru_cache(maxsize=8)
def _grid_check(items: tuple[ItemSpec, ...]) -> None:
    """grid_check once per instrument, not once per imported row."""
    grid_check(items)


def response_score_fields(
    *, items: Sequence[ItemSpec], answers: Mapping[str, int | None]
) -> dict[str, Any]:
    """The Response columns computed from the answers: the packed answers and every dimension
    and category score in grid units (method section 3, by onpoint.method.scoring)."""
    _grid_check(tuple(items))
    scores = score_response(answers, items)
    return {
        "answers": answers_pack([item.code for item in items], answers),
        **scores_to_grid(scores.dimensions),
        **scores_to_grid(scores.categories),
    }
