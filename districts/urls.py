"""Pages of this app (included at the site root by journeys/urls.py). A district's journey map,
/districts/<slug>/, and the forms posted from it are onpoint's (onpoint/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from districts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("accounts/join/", views.team_join, name="team_join"),
    path("districts/<slug:slug>/team/", views.team_page, name="team"),
    path("districts/<slug:slug>/team/remove/", views.team_remove, name="team_remove"),
    path("districts/<slug:slug>/team/cancel/", views.team_cancel, name="team_cancel"),
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
