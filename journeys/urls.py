"""The site's URLs. Each app owns its own pages and API routes; this file only includes them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from districts.forms import LoginForm
from journeys import views

api_v1 = [
    path("", include("surveys.api_urls")),
    path("", include("onpoint.api_urls")),
]

urlpatterns = [
    # First: no page's URL starts with api/, and an API request (the survey's submissions above
    # all) then resolves in a few matches instead of trying every page's pattern (issue 13).
    path("api/v1/", include(api_v1)),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/token/", views.api_token, name="api_token"),
    path("", include("districts.urls")),
    path("", include("surveys.urls")),
    path("", include("onpoint.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler404 = "journeys.views.page_not_found"
handler500 = "journeys.views.server_error"
