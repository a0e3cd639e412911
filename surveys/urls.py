"""Pages of this app (included at the site root by journeys/urls.py).

/s/<token>/ is the anonymous survey. The leaders' campaign pages live under the district;
/districts/<slug>/campaigns/<campaign_id>/ itself is the campaign dashboard (onpoint's).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from surveys import comment_views, invitation_views, survey_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("s/<str:token>/", survey_views.survey, name="survey"),
    path("s/<str:token>/thanks/", survey_views.survey_thanks, name="survey_thanks"),
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
        "districts/<slug:slug>/campaigns/<int:campaign_id>/schools/",
        views.campaign_schools_expected,
        name="campaign_schools_expected",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/flyer/",
        views.campaign_flyer,
        name="campaign_flyer",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/",
        invitation_views.campaign_invitations,
        name="campaign_invitations",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/remind/",
        invitation_views.campaign_remind,
        name="campaign_remind",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/retry/",
        invitation_views.campaign_invitations_retry,
        name="campaign_invitations_retry",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/invitations/remove/",
        invitation_views.campaign_invitation_remove,
        name="campaign_invitation_remove",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/qr.svg",
        views.campaign_qr,
        name="campaign_qr",
    ),
    # Staff voice (issue 16): a campaign's comments, for its district's leaders.
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/comments/",
        comment_views.campaign_comments,
        name="campaign_comments",
    ),
    path(
        "districts/<slug:slug>/campaigns/<int:campaign_id>/comments.csv",
        comment_views.campaign_comments_csv,
        name="campaign_comments_csv",
    ),
    path(
        "districts/<slug:slug>/comments/<uuid:comment_id>/hide/",
        comment_views.comment_hide_view,
        name="comment_hide",
    ),
    path(
        "districts/<slug:slug>/comments/<uuid:comment_id>/milestone/",
        comment_views.comment_milestone,
        name="comment_milestone",
    ),
]
