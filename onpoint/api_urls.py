"""API v1 routes of this app (included under /api/v1/ by journeys/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from onpoint.api import BenchmarksView, BenchmarkVersionsView, CampaignScoresView, DistrictViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path(
        "campaigns/<int:campaign_id>/scores/",
        CampaignScoresView.as_view(),
        name="campaign-scores",
    ),
    path("benchmarks/", BenchmarksView.as_view(), name="benchmarks"),
    path("benchmarks/versions/", BenchmarkVersionsView.as_view(), name="benchmark-versions"),
]
