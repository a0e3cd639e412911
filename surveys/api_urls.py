"""API v1 routes of this app (included under /api/v1/ by journeys/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from surveys.api import CampaignViewSet, InstrumentCurrentView
from surveys.response_api import SurveyResponseView

router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns: list[URLPattern | URLResolver] = [
    path("instruments/current/", InstrumentCurrentView.as_view(), name="instrument-current"),
    path(
        "surveys/<str:token>/responses/",
        SurveyResponseView.as_view(),
        name="survey-responses",
    ),
    *router.urls,
]
