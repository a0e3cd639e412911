"""The shape of the instrument's answer, for /api/schema/ (drf-spectacular).

surveys.api builds the answer itself; this serializer describes it field by field
(tests/trust/test_api_schema.py holds the answer to it).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, CATEGORY_KEYS, DIMENSIONS, ROLES
from surveys.instrument_v1 import LANGUAGES

Described = serializers.Serializer[Any]

ItemTextsSerializer = type(
    "ItemTextsSerializer",
    (serializers.Serializer,),
    {
        **{language: serializers.CharField() for language in LANGUAGES},
        "__doc__": "The statement in every language of the instrument.",
    },
)


class ScalePointSerializer(Described):
    value = serializers.IntegerField(min_value=ANSWER_MIN, max_value=ANSWER_MAX)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label


class CategorySerializer(Described):
    key = serializers.ChoiceField(choices=list(CATEGORY_KEYS))
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    dimensions = serializers.ListField(child=serializers.ChoiceField(choices=list(DIMENSIONS)))


class RoleSerializer(Described):
    key = serializers.ChoiceField(choices=list(ROLES))
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label


class ItemSerializer(Described):
    code = serializers.CharField(help_text="<dimension>_<1..3>, the answer's key.")
    text = serializers.CharField(help_text="In the language asked for.")
    category = serializers.ChoiceField(choices=list(CATEGORY_KEYS))
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS))
    reverse_coded = serializers.BooleanField()
    texts = ItemTextsSerializer()


class InstrumentSerializer(Described):
    """The current survey instrument, in one language."""

    version = serializers.CharField()
    language = serializers.ChoiceField(choices=list(LANGUAGES))
    scale = ScalePointSerializer(many=True)
    no_answer_label = serializers.CharField()
    categories = CategorySerializer(many=True)
    roles = RoleSerializer(many=True)
    items = ItemSerializer(many=True)
