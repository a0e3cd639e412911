"""The compact response row (surveys.response_row): answers as one byte per item, scores as whole
numbers of 1/36 point. No database: plain data in, plain data out."""

from __future__ import annotations

import pytest

from onpoint.method.grid import SCORE_GRID, to_grid
from onpoint.method.scoring import ItemSpec, score_response
from surveys import instrument_v1
from surveys.response_row import (
    answers_pack,
    answers_unpack,
    response_score_fields,
)

CODES = list(instrument_v1.ITEM_CODES)
ITEMS = [
    ItemSpec(code=item["code"], dimension=item["dimension"], reverse_coded=item["reverse_coded"])
    for item in instrument_v1.DEFINITION["items"]
]


def test_answers_pack_into_one_byte_per_item_in_the_instruments_order() -> None:
    packed = answers_pack(CODES, {CODES[0]: 5, CODES[2]: 1})
    assert packed == bytes([5, 0, 1] + [0] * (len(CODES) - 3))
    assert answers_unpack(CODES, packed) == {
        code: {CODES[0]: 5, CODES[2]: 1}.get(code) for code in CODES
    }


def test_an_answer_the_instrument_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="not an item of the instrument"):
        answers_pack(CODES, {"vision_9": 4})
    with pytest.raises(ValueError, match="is not 0"):
        answers_pack(CODES, {CODES[0]: 6})
    with pytest.raises(ValueError, match="is not 0"):
        answers_unpack(CODES, bytes([7] * len(CODES)))
    with pytest.raises(ValueError, match="hold 2 items"):
        answers_unpack(CODES, b"\x01\x02")


def test_stored_scores_are_the_methods_scores_in_grid_units() -> None:
    answers = {code: (index % 5) + 1 for index, code in enumerate(CODES)}
    fields = response_score_fields(items=ITEMS, answers=answers)
    expected = score_response(answers, ITEMS)
    for key, value in {**expected.dimensions, **expected.categories}.items():
        assert fields[key] == to_grid(value)
        assert fields[key] / SCORE_GRID == pytest.approx(value)
    assert answers_unpack(CODES, fields["answers"]) == answers


def test_a_score_off_the_grid_is_refused_rather_than_rounded() -> None:
    with pytest.raises(ValueError, match="1/36 points"):
        to_grid(50.01)
