"""Pages of this app (included at the site root by journeys/urls.py).

/s/<token>/ is the anonymous survey. The leaders' campaign pages live under the district;
/districts/<slug>/campaigns/<campaign_id>/ itself is the campaign dashboard (onpoint's).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from surveys import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("s/<str:token>/", views.survey, name="survey"),
    path("s/<str:token>/thanks/", views.survey_thanks, name="survey_thanks"),
    path("districts/<slug:slug>/campaigns/", views.campaigns, name="campaign_list"),
    path("districts/<slug:slug>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/manage/",
        views.campaign_manage,
        name="campaign_manage",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/edit/",
        views.campaign_edit,
        name="campaign_edit",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/close/",
        views.campaign_close,
        name="campaign_close",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/flyer/",
        views.campaign_flyer,
        name="campaign_flyer",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/",
        views.campaign_invitations,
        name="campaign_invitations",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/remind/",
        views.campaign_remind,
        name="campaign_remind",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/retry/",
        views.campaign_invitations_retry,
        name="campaign_invitations_retry",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/remove/",
        views.campaign_invitation_remove,
        name="campaign_invitation_remove",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/qr.svg",
        views.campaign_qr,
        name="campaign_qr",
    ),
]
