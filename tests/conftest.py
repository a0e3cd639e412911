"""Fixtures shared by every test: the cast of districts and people, and service guards.

Tests that need PostgreSQL, Redis, a worker or a browser skip with a printed reason on a
laptop that lacks them; in CI (CI=true) such a skip is a failure instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where every service must be present."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The Spanish catalog as the sources have it, whether or not `make` ran since it changed."""
    from journeys.catalogs import catalogs_compile

    catalogs_compile()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL carry the `postgres` mark, so a SQLite run can deselect them."""
    for item in items:
        if "requires_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A request in Spanish leaves Spanish active in the thread (LocaleMiddleware activates, never
    # deactivates): each test starts in the site's language, whatever ran before it.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def requires_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis for tests: JOURNEYS_TEST_REDIS_URL, or database 15 on localhost."""
    import redis

    url = os.environ.get("JOURNEYS_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as error:
        skip_or_fail(f"this test needs Redis at {url}: {error}")
    return url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        skip_or_fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop page whose every request to a host other than the live server fails the test."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    yield from _guarded_page(context, live_server.url)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized touch page (390 x 844), guarded like `page`."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    yield from _guarded_page(context, live_server.url)


def _guarded_page(context: Any, own_origin: str) -> Iterator[Any]:
    foreign: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(own_origin) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    new_page = context.new_page()
    yield new_page
    context.close()
    assert not foreign, f"the page tried to reach another host: {foreign}"


# --- the cast --------------------------------------------------------------------------------


@pytest.fixture
def maple(db: None) -> Any:
    district = DistrictFactory(name="Maple Valley School District", slug="maple-valley", state="OR")
    SchoolFactory(district=district, name="Maple Elementary")
    SchoolFactory(district=district, name="Maple High School")
    return district


@pytest.fixture
def oak(db: None) -> Any:
    district = DistrictFactory(name="Oak Ridge Unified", slug="oak-ridge", state="TN")
    SchoolFactory(district=district, name="Oak Middle School")
    return district


@pytest.fixture
def birch(db: None) -> Any:
    return DistrictFactory(name="Birch County Schools", slug="birch-county", state="WI")


@pytest.fixture
def leader_of_maple(maple: Any) -> Any:
    user = UserFactory(username="maple.leader")
    MembershipFactory(user=user, district=maple, kind="leader")
    return user


@pytest.fixture
def leader_of_oak(oak: Any) -> Any:
    user = UserFactory(username="oak.leader")
    MembershipFactory(user=user, district=oak, kind="leader")
    return user


@pytest.fixture
def consultant_for_maple_and_oak(maple: Any, oak: Any) -> Any:
    user = UserFactory(username="consultant")
    MembershipFactory(user=user, district=maple, kind="consultant")
    MembershipFactory(user=user, district=oak, kind="consultant")
    return user


@pytest.fixture
def staff_user(db: None) -> Any:
    return UserFactory(username="staff", is_staff=True)
