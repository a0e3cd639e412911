"""factory_boy factories that mirror the domain: District -> School -> Campaign -> Response."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from districts.models import District, Membership, School, time_zone_for_state
from surveys import instrument_v1
from surveys.models import Campaign, Comment, Instrument, Response

PASSWORD = "a-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")

    @factory.post_generation
    def password(user: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    state = "OR"
    time_zone = factory.LazyAttribute(lambda district: time_zone_for_state(district.state))


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    kind = Membership.Kind.LEADER


class InstrumentFactory(factory.django.DjangoModelFactory[Instrument]):
    """Instrument version 1 exactly as surveys/instrument_v1.py defines it (one row, reused)."""

    class Meta:
        model = Instrument
        django_get_or_create = ("version",)

    version = instrument_v1.VERSION
    definition = factory.LazyFunction(lambda: instrument_v1.DEFINITION)


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    """An open campaign on instrument v1: opened yesterday, closes in two weeks."""

    class Meta:
        model = Campaign

    district = factory.SubFactory(DistrictFactory)
    instrument = factory.SubFactory(InstrumentFactory)
    name = factory.Sequence(lambda n: f"Staff survey {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda campaign: campaign.opens_at + dt.timedelta(days=15))
    expected_responses = None
    exclude_from_benchmarks = False


class ResponseFactory(factory.django.DjangoModelFactory[Response]):
    """A response whose stored scores are computed from `answers` (method section 3).

    `answers` maps item codes to 1..5 or None; codes left out are no answer. By default every
    item is answered 4 ("Agree"). Score columns passed explicitly (in grid units of 1/36 point,
    e.g. `vision=1800` for 50 points) win over the computed ones, for tests that need a group
    mean without building answers.
    """

    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    submission_id = factory.LazyFunction(uuid.uuid4)
    role = "teacher"
    school = None
    submitted_on = factory.LazyFunction(timezone.localdate)
    answers = factory.LazyFunction(lambda: dict.fromkeys(instrument_v1.ITEM_CODES, 4))

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from surveys.response_row import response_score_fields
        from surveys.selectors import item_specs

        items = item_specs(kwargs["campaign"].instrument)
        computed = response_score_fields(items=items, answers=kwargs["answers"])
        return super()._create(
            model_class, *args, **{**computed, **kwargs, "answers": computed["answers"]}
        )


class CommentFactory(factory.django.DjangoModelFactory[Comment]):
    """A staff comment (issue 16): its campaign, its question and its words; nothing else."""

    class Meta:
        model = Comment

    campaign = factory.SubFactory(CampaignFactory)
    kind = Comment.Kind.PROUD_OF
    text = factory.Sequence(lambda n: f"Comment {n}: students set their own goals")
