"""Pages of this app (included at the site root by journeys/urls.py). A district's journey map,
/districts/<slug>/, and the forms posted from it are onpoint's (onpoint/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from districts import team_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("accounts/join/", team_views.team_join, name="team_join"),
    path("districts/<slug:slug>/team/", team_views.team_page, name="team"),
    path("districts/<slug:slug>/team/remove/", team_views.team_remove, name="team_remove"),
    path("districts/<slug:slug>/team/cancel/", team_views.team_cancel, name="team_cancel"),
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
    path("districts/<slug:slug>/learning/", views.learning_offers, name="learning_offers"),
    path(
        "districts/<slug:slug>/learning/<int:offer_id>/edit/",
        views.learning_offer_edit,
        name="learning_offer_edit",
    ),
    path(
        "districts/<slug:slug>/learning/<int:offer_id>/delete/",
        views.learning_offer_delete_view,
        name="learning_offer_delete",
    ),
]
