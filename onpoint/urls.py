"""Pages of this app (included at the site root by journeys/urls.py): a district's journey map
(with the milestone and place-on-the-path forms it posts), the campaign dashboard, its CSV and its
board report (PDF) under the district, the consultants' compare page, and the two national pages."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from onpoint import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("districts/<slug:slug>/", views.district_journey, name="district"),
    path("districts/<slug:slug>/path/", views.district_place, name="district_place"),
    path("districts/<slug:slug>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/",
        views.campaign_dashboard,
        name="campaign_dashboard",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/scores.csv",
        views.campaign_scores_csv,
        name="campaign_scores_csv",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/report.pdf",
        views.campaign_report,
        name="campaign_report",
    ),
    path("compare/", views.compare, name="compare"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("benchmarks/", views.benchmarks, name="national_benchmarks"),
    path("map/", views.national_map, name="national_map"),
]
