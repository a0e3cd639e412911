"""Screenshots of every dashboard page on the demo data, for the README: `make screenshots`.

Builds a fresh demo world in a temporary folder (its own SQLite database, so your `make run` data
is untouched), serves it with runserver on a free local port, signs in as each demo account
with Chromium (Playwright, /usr/bin/chromium) and writes docs/screenshots/<page>-desktop.png
(1440 x 900) and <page>-phone.png (390 x 844), full pages. Any request to another host fails the
run, as in the browser tests. Takes about two minutes; not part of `make test`.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only journey-map,compare]

Pages: journey-map, dashboard (and dashboard-print.png, the print layout on paper), compare,
benchmarks, national-map, issue 16's portfolio, staff-comments and learning, and report: the
dashboard's board report (PDF), each of its pages as report-page-N.png (poppler's pdftoppm,
110 dpi).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PDFTOPPM = "pdftoppm"
REPORT_DPI = 110
PASSWORD = "journeys-demo"  # noqa: S105 - the demo accounts' published password (demo/seed.py)
DISTRICT = "maple-valley"  # the demo leader's district
PRINT_VIEWPORT: Any = {"width": 816, "height": 1056}
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@dataclass(frozen=True)
class Shot:
    name: str
    user: str
    path: str
    print_media: bool = False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_server() -> Iterator[str]:
    """A runserver on the demo world, in a temporary folder; stopped (by its PID) on exit."""
    with tempfile.TemporaryDirectory(prefix="journeys-screenshots-") as var_dir:
        env = {**os.environ, "JOURNEYS_VAR_DIR": var_dir, "DEBUG": "true"}
        for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
            env.pop(variable, None)
        manage = [PYTHON, str(ROOT / "manage.py")]
        # Our own interpreter and manage.py, fixed arguments: nothing untrusted.
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        subprocess.run([*manage, "seed_demo", "--quiet-logins"], env=env, cwd=ROOT, check=True)  # noqa: S603
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - local
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("the demo server did not start")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def _sign_in(page: Any, user: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _campaign_path(page: Any) -> str:
    """The journey map's landmark campaign: the latest one with a reported Onpoint score."""
    page.goto(f"/districts/{DISTRICT}/")
    href = page.locator("#landmarks-heading ~ .section-intro a").first.get_attribute("href")
    if not href or not re.fullmatch(r"/districts/[\w-]+/campaigns/\d+/", href):
        raise RuntimeError(f"no campaign on the demo leader's journey map ({href!r})")
    return str(href)


def _compare_path(page: Any) -> str:
    """Compare with three of the consultant's districts picked for the side-by-side chart."""
    page.goto("/compare/")
    slugs = page.locator("input[name=pick]").evaluate_all("nodes => nodes.map(n => n.value)")
    picks = "&".join(f"pick={slug}" for slug in slugs[:3])
    return f"/compare/?{picks}#side-by-side"


def shots(page: Any) -> list[Shot]:
    _sign_in(page, "leader")
    campaign = _campaign_path(page)
    page.context.clear_cookies()
    _sign_in(page, "consultant")
    compare = _compare_path(page)
    page.context.clear_cookies()
    return [
        Shot("journey-map", "leader", f"/districts/{DISTRICT}/"),
        Shot("dashboard", "leader", campaign),
        Shot("dashboard-print", "leader", campaign, print_media=True),
        Shot("compare", "consultant", compare),
        Shot("benchmarks", "consultant", "/benchmarks/"),
        Shot("national-map", "leader", "/map/"),
        Shot("portfolio", "consultant", "/portfolio/"),
        Shot("staff-comments", "leader", campaign + "comments/"),
        Shot("learning", "leader", f"/districts/{DISTRICT}/learning/"),
    ]


def take(base: str, out: Path, only: set[str]) -> list[Path]:  # noqa: C901 (one step per page, in order)
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    foreign: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith((base, "data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        scout = browser.new_context(base_url=base)
        scout.route("**/*", guard)
        plan = shots(scout.new_page())
        scout.close()
        for size, options in VIEWPORTS.items():
            for user in sorted({shot.user for shot in plan}):
                context = browser.new_context(base_url=base, **options)
                context.route("**/*", guard)
                page = context.new_page()
                _sign_in(page, user)
                for shot in plan:
                    if shot.user != user or (only and shot.name not in only):
                        continue
                    if shot.print_media and size == "phone":
                        continue  # paper has one size: the desktop run prints it
                    page.emulate_media(media="print" if shot.print_media else "screen")
                    # Paper is narrower than a laptop: a US letter page at 96 dpi is 816 wide.
                    page.set_viewport_size(
                        PRINT_VIEWPORT if shot.print_media else options["viewport"]
                    )
                    page.goto(shot.path)
                    page.wait_for_load_state("networkidle")
                    if page.locator(".chart").count():
                        page.wait_for_selector(".chart .main-svg", timeout=15_000)
                    page.wait_for_timeout(400)  # plotly's last resize
                    target = out / (
                        f"{shot.name}.png" if shot.print_media else f"{shot.name}-{size}.png"
                    )
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        if not only or "report" in only:
            written += _report_pages(browser, base, plan, out, guard)
        browser.close()
    if foreign:
        raise RuntimeError(f"a page tried to reach another host: {foreign}")
    return written


def _report_pages(browser: Any, base: str, plan: list[Shot], out: Path, guard: Any) -> list[Path]:
    """The dashboard's board report, downloaded as the leader and cut into one PNG per page."""
    dashboard = next(shot for shot in plan if shot.name == "dashboard")
    context = browser.new_context(base_url=base)
    context.route("**/*", guard)
    page = context.new_page()
    _sign_in(page, dashboard.user)
    response = page.request.get(dashboard.path + "report.pdf", timeout=120_000)
    if not response.ok or response.headers.get("content-type") != "application/pdf":
        raise RuntimeError(f"the board report did not download: {response.status}")
    body = response.body()
    context.close()
    for stale in out.glob("report-page-*.png"):
        stale.unlink()
    with tempfile.TemporaryDirectory(prefix="journeys-report-") as folder:
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(body)
        # poppler-utils, fixed arguments: nothing untrusted.
        subprocess.run(  # noqa: S603
            [PDFTOPPM, "-png", "-r", str(REPORT_DPI), str(pdf), str(out / "report-page")],
            check=True,
        )
    return sorted(out.glob("report-page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))


def main() -> None:
    # Stopped from outside: still stop the demo server and remove its folder (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--base-url", default="", help="use this running server instead")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    only = {name for name in args.only.split(",") if name}
    if args.base_url:
        written = take(args.base_url.rstrip("/"), args.out, only)
    else:
        with demo_server() as base:
            written = take(base, args.out, only)
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
