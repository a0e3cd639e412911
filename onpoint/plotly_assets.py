"""plotly.js served by the app itself, from the installed plotly package (never a CDN).

`PlotlyFinder` is a staticfiles finder that serves the package's own `plotly.min.js` at
`vendor/plotly/plotly.min.js`, so `runserver`, whitenoise and `collectstatic` all find it, and the
browser gets the exact version the Python package was tested with.

plotly.js writes its base style rules into an inline `<style>` on load, which the strict
Content-Security-Policy refuses. It skips that when the page already has an element with the id
`plotly.js-style-global` and the class `no-inline-styles` (templates/onpoint/_charts_head.html),
so the same rules must come from a stylesheet: `plotly_css()` reads them out of the bundle and
`scripts/plotly-css` writes them to static/css/plotly.css (a test checks the file is current).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, overload

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_DIR: Final = "vendor/plotly"
PLOTLY_BUNDLE: Final = "plotly.min.js"
PLOTLY_CSS_PATH: Final = Path(__file__).resolve().parent.parent / "static" / "css" / "plotly.css"

# The bundle's style rules: an object literal whose first key is "X,X div" (X stands for the
# plot's root selector, Y for the notifier's; src/css/plotcss.js in plotly.js).
_RULES_START: Final = '{"X,X div"'
_STRING: Final = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_RULE: Final = re.compile(rf"\s*({_STRING}|[A-Za-z_$][\w$]*)\s*:\s*({_STRING})\s*([,}}])")


def plotly_package_data() -> Path:
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The plotly package is not installed: pip install -r requirements/base.txt"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "package_data"


def plotly_bundle_path() -> Path:
    return plotly_package_data() / PLOTLY_BUNDLE


def _unquote(token: str) -> str:
    if token[:1] in "\"'":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def plotly_style_rules(source: str) -> list[tuple[str, str]]:
    """(selector, declarations) pairs of the bundle's base styles, selectors expanded as
    plotly.js expands them."""
    start = source.index(_RULES_START) + 1
    rules: list[tuple[str, str]] = []
    position = start
    while True:
        match = _RULE.match(source, position)
        if match is None:
            raise ValueError("plotly.js's style rules have an unexpected shape")
        key, value, end = _unquote(match.group(1)), _unquote(match.group(2)), match.group(3)
        selector = (
            re.sub(r"^,", " ,", key)
            .replace("X", ".js-plotly-plot .plotly")
            .replace("Y", ".plotly-notifier")
        )
        rules.append((selector, value))
        position = match.end()
        if end == "}":
            return rules


@lru_cache(maxsize=1)
def plotly_css() -> str:
    """The stylesheet that replaces plotly.js's inline styles, for the bundle installed."""
    source = plotly_bundle_path().read_text(encoding="utf-8")
    version = re.search(r"plotly\.js v([\w.\-]+)", source[:400])
    lines = [
        f"/* plotly.js {version.group(1) if version else ''} base styles, read from the bundle by "
        "scripts/plotly-css: plotly.js would otherwise inject them inline, which the CSP "
        "refuses. Do not edit by hand. */"
    ]
    lines += [
        f"{selector} {{ {declarations} }}" for selector, declarations in plotly_style_rules(source)
    ]
    return "\n".join(lines) + "\n"


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly/plotly.min.js` in the installed plotly package, and nothing else."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(plotly_package_data()))
        self.storage.prefix = PLOTLY_STATIC_DIR  # type: ignore[attr-defined]  # as FileSystemFinder

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        found = (
            str(plotly_bundle_path()) if path == f"{PLOTLY_STATIC_DIR}/{PLOTLY_BUNDLE}" else None
        )
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield PLOTLY_BUNDLE, self.storage
