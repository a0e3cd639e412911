"""The anchor of figure 1: the least a Django view can do to store one survey answer.

It parses the same JSON body as the real endpoint and inserts one row into the same table, and
does nothing else: no validation, no scoring, no throttle, no task. The real endpoint's
throughput is compared with this one's on the same gunicorn, PostgreSQL and machine.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from surveys.models import Response


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest, campaign_id: int) -> JsonResponse:
    body = json.loads(request.body)
    row = Response.objects.create(
        campaign_id=campaign_id,
        role=body["role"],
        submitted_on=timezone.localdate(),
        # The compact row's answers (surveys.response_row), without the instrument's validation.
        answers=bytes(value or 0 for value in body["answers"].values()),
    )
    return JsonResponse({"id": row.pk}, status=201)
