"""CSRF on every form of a signed-in person, and the anonymous survey sets no cookie at all.

The survey form is the one exception to CSRF, on purpose (docs/decisions.md): it has no session
for a forged request to ride on, its link token is the credential, and the JSON endpoint takes
the same anonymous write; a CSRF cookie would only break it on devices that block cookies.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.districts.test_tenancy import district_scoped_urls
from tests.factories import PASSWORD
from tests.surveys.conftest import campaign_of

POST_FORM = re.compile(r"<form\b[^>]*method=\"?post\"?[^>]*>(.*?)</form>", re.I | re.S)


def post_forms_without_csrf(html: str) -> list[str]:
    return [form[:80] for form in POST_FORM.findall(html) if "csrfmiddlewaretoken" not in form]


@pytest.mark.django_db
def test_every_post_form_on_every_page_carries_a_csrf_token(
    client: Client, leader_of_maple: Any, maple: Any
) -> None:
    campaign = campaign_of(maple)
    urls, _ = district_scoped_urls(
        {"slug": maple.slug, "campaign_id": campaign.id, "pk": campaign.id, "id": campaign.id}
    )
    pages = [url for url in urls if not url.startswith("/api/")]
    pages += [reverse("login"), reverse("password_change"), reverse("api_token")]
    checked = 0
    client.force_login(leader_of_maple)
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        assert not post_forms_without_csrf(html), url
        checked += len(POST_FORM.findall(html))
    assert checked >= 5, "the test found too few forms to mean anything"


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(leader_of_maple: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "maple.leader", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session


@pytest.mark.django_db
def test_the_survey_sets_no_cookie_beyond_its_form(maple: Any) -> None:
    campaign = campaign_of(maple)
    visitor = Client()
    response = visitor.get(reverse("survey", kwargs={"token": campaign.token}))
    assert response.status_code == 200
    assert not response.cookies
    submitted = visitor.post(reverse("survey", kwargs={"token": campaign.token}), {"role": ""})
    assert not submitted.cookies
