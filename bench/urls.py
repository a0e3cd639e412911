"""The bench's URLconf: every URL of the product, plus the bare anchor view (bench only)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from bench import views

BARE_INSERT_PATH = "/bench/bare-insert/{campaign_id}/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare-insert/<int:campaign_id>/", views.bare_insert, name="bench_bare_insert"),
    path("", include("journeys.urls")),
]

handler404 = "journeys.views.page_not_found"
handler500 = "journeys.views.server_error"
