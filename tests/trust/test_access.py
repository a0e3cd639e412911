"""Nobody let in: CSRF on every form, a strict Content-Security-Policy that no page needs to
bend, HSTS and secure cookies in production, and an audit of who read which district's data.

Pages are discovered from the URL configuration (tests/districts/test_tenancy.py), so a page added
later is checked without editing this file. Login lockout is in tests/districts/
test_login_lockout.py, token revocation in tests/journeys/test_health_and_pages.py; the survey's
rate limit (429) in tests/surveys/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from districts.models import AuditEvent, LearningOffer, Milestone
from onpoint import rescore
from surveys.models import Campaign, Comment, Response
from tests.districts.test_tenancy import district_scoped_urls
from tests.journeys.test_settings import PRODUCTION_ENV, run_django
from tests.onpoint.builders import campaign_of, respond, uniform
from tests.surveys.staff_voice import a_comment, campaign_with_comments

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.I | re.S)
ATTRIBUTE = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')
FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*>", re.I)
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.I | re.S)
# onclick=, onload=, ... on any element: the CSP refuses them, so no page may rely on one.
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
URL_ATTRIBUTE = re.compile(r'\s(?:src|href|action|formaction|poster|data)\s*=\s*"([^"]*)"', re.I)
# The survey form takes no CSRF token on purpose (docs/decisions.md): it has no session to ride
# on, its link token is the credential.
CSRF_EXEMPT_PREFIXES = ("/s/",)
STRICT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def world(maple: Any, staff_user: Any) -> dict[str, Any]:
    """Maple with a scored campaign and a milestone, and a staff member who sees it all."""
    campaign = campaign_of(maple, name="Maple spring survey", expected_responses=20)
    respond(campaign, uniform(4), role="teacher", school=maple.schools.first(), times=6)
    respond(campaign, uniform(2), role="coach", school=maple.schools.last(), times=5)
    rescore.campaign_rescore(campaign=campaign)
    milestone = Milestone.objects.create(
        district=maple, happened_on=dt.date(2025, 9, 1), text="Teachers chose the pilot"
    )
    # A closed campaign with released staff comments (issue 16): their pages and forms too.
    comment = a_comment(campaign_with_comments(maple, name="Maple fall survey"))
    return {
        "district": maple,
        "campaign": campaign,
        "milestone": milestone,
        "comment": comment,
        "offer": LearningOffer.objects.create(
            district=maple, name="Microcredential: goal-setting", landmark="student_agency"
        ),
        "staff": staff_user,
    }


def signed_in_pages(world: dict[str, Any]) -> list[str]:
    campaign: Campaign = world["campaign"]
    urls, unfilled = district_scoped_urls(
        {
            "slug": world["district"].slug,
            "campaign_id": campaign.pk,
            "pk": campaign.pk,
            "id": campaign.pk,
            "milestone_id": world["milestone"].pk,
            "comment_id": world["comment"].pk,
            "offer_id": world["offer"].pk,
        }
    )
    assert not unfilled, unfilled
    pages = [url for url in urls if not url.startswith("/api/")]
    return [
        *pages,
        reverse("home"),
        reverse("compare"),
        reverse("national_benchmarks"),
        reverse("national_map"),
        reverse("password_change"),
        reverse("api_token"),
        "/api/docs/",
    ]


def survey_pages(client: Client, campaign: Campaign) -> dict[str, str]:
    """The survey's form, its review step and its thanks page, as an anonymous teacher."""
    url = reverse("survey", kwargs={"token": campaign.token})
    form = client.get(url)
    answers = {"role": "teacher", "action": "review"}
    answers.update({name: "4" for name in re.findall(r'name="([a-z_]+_\d)"', form.text)})
    review = client.post(url, answers)
    submitted = client.post(url, {**answers, "action": "submit"}, follow=True)
    assert review.status_code == 200
    # The survey sets no cookie at any step: no session, no CSRF token, no language choice.
    for response in (form, review, submitted):
        assert not response.cookies, response.cookies
    assert not client.cookies
    assert "/thanks/" in submitted.redirect_chain[-1][0]
    assert Response.objects.filter(campaign=campaign).count() == 12
    return {
        url: form.text,
        f"{url} (review)": review.text,
        f"{url} (thanks)": submitted.text,
        "/s/unknown-link/": client.get("/s/unknown-link/").text,
    }


def html_of(client: Client, url: str) -> tuple[str, Any] | None:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode(), response


def every_html_page(world: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    staff = Client()
    staff.force_login(world["staff"])
    pages = {}
    for url in signed_in_pages(world):
        found = html_of(staff, url)
        if found is not None:
            pages[url] = found
    anonymous = Client()
    for url in (reverse("login"), "/no-such-page/"):
        response = anonymous.get(url)
        pages[url] = (response.content.decode(), response)
    teacher = Client()
    for url, html in survey_pages(teacher, world["campaign"]).items():
        pages[url] = (html, None)
    return pages


# --- CSRF ----------------------------------------------------------------------------------


def post_forms(html: str, page_url: str) -> list[tuple[str, dict[str, str]]]:
    """Each POST form of a page: its action and the fields it would send."""
    forms = []
    for match in FORM.finditer(html):
        attrs = dict(ATTRIBUTE.findall(match["attrs"]))
        if attrs.get("method", "get").lower() != "post":
            continue
        fields = {}
        for tag in FIELD.findall(match["body"]):
            field = dict(ATTRIBUTE.findall(tag))
            if "name" in field and field["name"] != "csrfmiddlewaretoken":
                fields[field["name"]] = unescape(field.get("value", ""))
        forms.append((unescape(attrs.get("action") or page_url), fields))
    return forms


@pytest.mark.django_db
def test_every_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    world: dict[str, Any],
) -> None:
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(world["staff"])
    pages = [*signed_in_pages(world), reverse("login")]
    refused = []
    for page_url in pages:
        response = staff.get(page_url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for action, fields in post_forms(response.content.decode(), page_url):
            if action.startswith(CSRF_EXEMPT_PREFIXES):
                continue
            before = counts()
            posted = staff.post(action, fields)
            assert posted.status_code == 403, (page_url, action, posted.status_code)
            assert counts() == before, (page_url, action)
            refused.append(action)
    # Logout, password change, token, milestone add/edit/delete, campaign new/edit/close, login.
    assert len(set(refused)) >= 8, f"too few forms found to mean anything: {sorted(refused)}"
    print(f"csrf: {len(refused)} forms posted without a token, all 403: {sorted(set(refused))}")
    assert world["staff"].is_authenticated


def counts() -> tuple[int, ...]:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    return (
        Milestone.objects.count(),
        Campaign.objects.count(),
        Response.objects.count(),
        Token.objects.count(),
        User.objects.filter(is_active=True).count(),
        Campaign.objects.filter(closes_at__lte=dt.datetime.now(dt.UTC)).count(),
        Comment.objects.filter(hidden=True).count(),
        Comment.objects.exclude(milestone=None).count(),
        LearningOffer.objects.count(),
    )


# --- Content-Security-Policy -------------------------------------------------------------------


def policy_of(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {parts[0]: parts[1] if len(parts) > 1 else "" for parts in directives}


def inline_code(html: str) -> list[str]:
    """Script that would run inline: a <script> without src that is not JSON data, an inline
    event handler, a javascript: URL, a <style> element or a style attribute."""
    found = []
    for match in SCRIPT.finditer(html):
        attrs = dict(ATTRIBUTE.findall(match["attrs"]))
        if "src" in attrs:
            assert not match["body"].strip(), "a <script src> with a body"
            continue
        if attrs.get("type") == "application/json":
            continue
        found.append(f"<script{match['attrs']}>{match['body'][:60]}")
    found += INLINE_HANDLER.findall(html)
    found += [url for url in URL_ATTRIBUTE.findall(html) if url.strip().startswith("javascript:")]
    found += STYLE_ELEMENT.findall(html) + STYLE_ATTRIBUTE.findall(html)
    return found


def other_hosts(html: str) -> list[str]:
    return [
        url
        for url in URL_ATTRIBUTE.findall(html)
        if re.match(r"^(https?:)?//", url.strip())
        and not re.match(r"^(https?:)?//testserver/", url)
    ]


@pytest.mark.django_db
def test_every_page_has_a_strict_policy_and_no_inline_script_style_or_other_host(
    world: dict[str, Any],
) -> None:
    pages = every_html_page(world)
    assert len(pages) >= 20, sorted(pages)
    for url, (html, response) in pages.items():
        if response is not None:
            policy = policy_of(response["Content-Security-Policy"])
            for directive, value in STRICT_CSP.items():
                assert policy.get(directive) == value, (url, directive, policy)
            assert "unsafe" not in response["Content-Security-Policy"], url
        assert not inline_code(html), (url, inline_code(html))
        assert not other_hosts(html), (url, other_hosts(html))
    print(f"csp: {len(pages)} pages, none with inline code or another host: {sorted(pages)}")


def test_the_inline_code_detector_finds_each_kind() -> None:
    assert inline_code('<script src="/static/a.js"></script>') == []
    assert inline_code('<script id="x" type="application/json">{"a": 1}</script>') == []
    assert len(inline_code("<script>alert(1)</script>")) == 1
    assert len(inline_code('<button onclick="go()">Go</button>')) == 1
    assert len(inline_code('<a href="javascript:go()">Go</a>')) == 1
    assert len(inline_code('<p style="color: red">Hi</p>')) == 1
    assert len(inline_code("<style>p {}</style>")) == 1
    assert other_hosts('<img src="https://cdn.example.org/x.png">') == [
        "https://cdn.example.org/x.png"
    ]
    assert other_hosts('<a href="/districts/">x</a><a href="http://testserver/s/x/">y</a>') == []


# --- production: HSTS, secure cookies, HTTPS only ------------------------------------------------

PRODUCTION_REQUEST = """
import json
from django.conf import settings
from django.test import Client, override_settings
# Production serves static files from collectstatic's manifest; this check renders a page
# without running collectstatic (11 s), so only the static files' storage is the plain one.
plain_static = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
override_settings(STORAGES=plain_static).enable()
client = Client()
plain = client.get("/accounts/login/", HTTP_HOST="journeys.example.org")
secure = client.get("/accounts/login/", secure=True, HTTP_HOST="journeys.example.org")
cookie = secure.cookies["csrftoken"]
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "nosniff": secure.get("X-Content-Type-Options", ""),
    "frame": secure.get("X-Frame-Options", ""),
    "referrer": secure.get("Referrer-Policy", ""),
    "csrf_cookie_secure": bool(cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "debug": settings.DEBUG,
}))
"""


def test_production_is_https_only_with_hsts_and_secure_cookies(tmp_path: Any) -> None:
    env = {
        **PRODUCTION_ENV,
        # A file database: the login page reads nothing from it, and no server is needed.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = run_django(env, "shell", "--no-imports", "-c", PRODUCTION_REQUEST)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://journeys.example.org/accounts/login/"
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert seen["nosniff"] == "nosniff"
    assert seen["frame"] == "DENY"
    assert seen["referrer"] == "same-origin"
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["session_cookie_httponly"] is True


# --- the audit log -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_views_and_exports_of_a_districts_data_are_audited_with_the_district(
    world: dict[str, Any], leader_of_maple: Any
) -> None:
    from rest_framework.authtoken.models import Token

    campaign: Campaign = world["campaign"]
    slug = world["district"].slug
    browser = Client()
    browser.force_login(leader_of_maple)
    assert browser.get(f"/districts/{slug}/campaigns/{campaign.pk}/").status_code == 200
    assert browser.get(f"/districts/{slug}/campaigns/{campaign.pk}/scores.csv").status_code == 200
    token = Token.objects.create(user=leader_of_maple).key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/scores/").status_code == 200
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
    assert api.get(f"/api/v1/districts/{slug}/").status_code == 200
    # Refused reads are not audited as reads: nothing was seen.
    assert api.get("/api/v1/campaigns/999999/scores/").status_code == 404

    events = list(
        AuditEvent.objects.order_by("id").values_list("username", "district_slug", "action", "path")
    )
    assert events == [
        ("maple.leader", slug, "view", f"/districts/{slug}/campaigns/{campaign.pk}/"),
        ("maple.leader", slug, "export", f"/districts/{slug}/campaigns/{campaign.pk}/scores.csv"),
        ("maple.leader", slug, "view", f"/api/v1/campaigns/{campaign.pk}/scores/"),
        ("maple.leader", slug, "view", f"/api/v1/campaigns/{campaign.pk}/"),
        ("maple.leader", slug, "view", f"/api/v1/districts/{slug}/"),
    ]


@pytest.mark.django_db
def test_staff_find_who_read_a_district_in_the_admin_and_others_cannot(
    world: dict[str, Any], leader_of_maple: Any
) -> None:
    from django.conf import settings

    slug = world["district"].slug
    reader = Client()
    reader.force_login(leader_of_maple)
    reader.get(f"/districts/{slug}/campaigns/{world['campaign'].pk}/scores.csv")
    staff = world["staff"]
    staff.is_superuser = True
    staff.save()
    admin = Client()
    admin.force_login(staff)
    log_url = f"/{settings.ADMIN_URL}districts/auditevent/"
    listing = admin.get(log_url, {"district_slug": slug}).content.decode()
    assert "maple.leader" in listing
    assert "Exported" in listing
    assert reader.get(log_url).status_code == 302  # a leader is sent to the admin's login
