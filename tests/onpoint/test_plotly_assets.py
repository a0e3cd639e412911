"""plotly.js comes from the installed plotly package through the static files, and its base
styles from static/css/plotly.css, kept in step with that bundle."""

from __future__ import annotations

from django.contrib.staticfiles import finders

from onpoint.plotly_assets import PLOTLY_CSS_PATH, plotly_bundle_path, plotly_css


def test_the_static_files_serve_the_plotly_package_bundle() -> None:
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found == str(plotly_bundle_path())
    assert plotly_bundle_path().read_bytes()[:200].find(b"plotly.js v") > 0


def test_plotly_css_matches_the_installed_bundle() -> None:
    css = PLOTLY_CSS_PATH.read_text(encoding="utf-8")
    assert css == plotly_css(), "static/css/plotly.css is stale: run scripts/plotly-css"
    assert ".js-plotly-plot .plotly .main-svg { position:absolute;" in css
    assert ".plotly-notifier p { margin:0; }" in css
