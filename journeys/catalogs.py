"""The translation catalogs: compiled in pure Python, extracted with GNU gettext.

locale/<language>/LC_MESSAGES/django.po is the source, kept in git; django.mo, what Django
reads, is built from it and git-ignored (a binary file would conflict at every merge of two
branches that add words). `python -m journeys.catalogs compile` builds each .mo whose .po is
newer, with polib instead of GNU gettext's msgfmt, so running and testing the app need only
Python: `make venv` (and so `make run` and `make test`), the Docker build and the test session
(tests/conftest.py) run it.

`python -m journeys.catalogs extract` (`make messages`) adds the msgids of the sources to the
catalogs with Django's makemessages, which needs GNU gettext (xgettext, msgmerge): only a
person changing words needs it. tests/journeys/test_catalogs.py checks that the catalogs are
complete and up to date with the sources.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
LANGUAGES = ("es",)
# makemessages' options, here once for `make messages` and the test that the catalog is current.
# File names without line numbers, and no wrapping: a diff shows the words that changed, and
# two branches that add words merge without touching each other's lines.
MAKEMESSAGES_OPTIONS = (
    *(f"--locale={language}" for language in LANGUAGES),
    # The board report's stylesheet is a template too: its page footer says "Page".
    "--extension=html,txt,py,css",
    "--no-wrap",
    "--add-location=file",
    "--no-obsolete",
    "--ignore=tests/*",
    "--ignore=bench/*",
    "--ignore=staticfiles/*",
    "--ignore=static/*",
    "--ignore=var/*",
)


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def catalogs_compile(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Build the .mo of each catalog whose .po is newer (every one with `force`); the .mo
    files written. Untranslated and fuzzy entries are left out, as msgfmt leaves them."""
    written = []
    for source in catalogs(locale_dir):
        target = source.with_suffix(".mo")
        if not force and target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        polib.pofile(str(source)).save_as_mofile(str(target))
        written.append(target)
    return written


def catalogs_extract() -> None:
    """makemessages over the sources, then compile (needs GNU gettext)."""
    subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_OPTIONS], cwd=ROOT, check=True
    )
    catalogs_compile(force=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        for target in catalogs_compile(force="--force" in argv):
            print(f"compiled {target.relative_to(ROOT)}")
        return 0
    if command == "extract":
        catalogs_extract()
        return 0
    print("usage: python -m journeys.catalogs [compile [--force] | extract]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
