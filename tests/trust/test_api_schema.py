"""Schemathesis runs every operation of /api/schema/ in-process: no server error, and every
response matches the schema that documents it.

The operations are driven one by one with hypothesis rather than through schemathesis' pytest
plugin, whose collection hook does not work with this pytest. Random path parameters almost
always name nothing (404), so half of the cases put a real campaign id, district slug or survey
token in the path instead: the operations' bodies and queries then reach the code behind them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import CampaignFactory, MembershipFactory, UserFactory

EXAMPLES_PER_OPERATION = 30
# Operations whose every case must not end in 404 alone: with real path parameters in half of
# the cases, each of them reaches its view's own code at least once.
MUST_FIND_SOMETHING = ("GET /api/v1/campaigns/{", "GET /api/v1/districts/{")


@pytest.fixture
def wsgi_in_the_test_transaction() -> Iterator[None]:
    """Calls of the WSGI application stay inside the test's transaction, as Django's test client
    arranges: the request signals would otherwise close the connection (and the transaction)
    after every request on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def consultant_token(maple: Any) -> str:
    user: Any = UserFactory(username="schema.consultant")
    MembershipFactory(user=user, district=maple, kind="consultant")
    return Token.objects.create(user=user).key


@pytest.mark.django_db
# Random link tokens make odd throttle cache keys, which only memcached would refuse.
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
def test_every_api_operation_keeps_its_contract(
    consultant_token: str, maple: Any, wsgi_in_the_test_transaction: None
) -> None:
    from journeys.wsgi import application

    campaign: Any = CampaignFactory(district=maple)
    real = {
        "id": campaign.pk,
        "campaign_id": campaign.pk,
        "slug": maple.slug,
        "token": campaign.token,
    }
    # Body fields that a random string almost never gets right.
    real_body = {"district": maple.slug, "state": "OR", "role": "teacher"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {consultant_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 12, "the schema lost its operations"
    statuses = {
        operation.label: drive(operation, headers=headers, real=real, real_body=real_body)
        for operation in operations
    }
    for label, seen in statuses.items():
        assert not any(code >= 500 for code in seen), (label, seen)
        if label.startswith(MUST_FIND_SOMETHING):
            assert set(seen) - {404}, f"{label} never reached its view: {seen}"
    tried = sum(sum(seen.values()) for seen in statuses.values())
    print(f"schemathesis: {len(statuses)} operations, {tried} cases: {statuses}")


def drive(
    operation: Any, *, headers: dict[str, str], real: dict[str, Any], real_body: dict[str, Any]
) -> Counter[int]:
    """Run EXAMPLES_PER_OPERATION cases of one operation; the status codes it answered."""
    seen: Counter[int] = Counter()
    # A schema-valid query is never refused; a schema-valid body may break a rule no schema can
    # say (a district you cannot see, a closing time before the opening time, a school the
    # district lacks): writes may answer 400, which the schema must still document.
    lenient = [positive_data_acceptance] if operation.method.upper() != "GET" else []

    @given(case=operation.as_strategy(), use_real=st.booleans())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: Any, use_real: bool) -> None:
        if use_real and case.path_parameters:
            case.path_parameters = {
                name: real.get(name, value) for name, value in case.path_parameters.items()
            }
        if use_real and isinstance(case.body, dict):
            case.body = {**case.body, **{k: v for k, v in real_body.items() if k in case.body}}
        # The schema's security schemes make schemathesis invent an Authorization header of its
        # own; the consultant's token is the one under test.
        case.headers = {
            name: value
            for name, value in (case.headers or {}).items()
            if name.lower() != "authorization"
        }
        response = case.call_and_validate(headers=headers, excluded_checks=lenient)
        seen[response.status_code] += 1

    keeps_contract()
    return seen
