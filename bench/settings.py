"""Settings of the app under benchmark: the product's settings, environment-driven as always,
plus the bench's URLconf (the real URLs and the bare anchor view) and a query counter.
"""

from __future__ import annotations

from journeys.settings import *  # noqa: F403
from journeys.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that it counts every query of the request, the session's and the user's included.
MIDDLEWARE = ["bench.middleware.query_count", *MIDDLEWARE]
