from __future__ import annotations

from django.urls import path

from journeys import views

urlpatterns = [
    path("districts/<slug:slug>/", views.district_journey, name="district"),
    path("districts/<slug:slug>/path/", views.district_place, name="district_place"),
    path("districts/<slug:slug>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "districts/<slug:slug>/milestones/<int:milestone_id>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "districts/<slug:slug>/milestones/<int:milestone_id>/delete/",
        views.milestone_delete_view,
        name="milestone_delete",
    ),
]
