"""The Spanish catalog (locale/es/LC_MESSAGES/django.po): complete, never fuzzy, with the same
placeholders as the English, and up to date with the sources; compiled without GNU gettext."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.utils import translation

from journeys.catalogs import LOCALE_DIR, MAKEMESSAGES_OPTIONS, ROOT, catalogs_compile
from tests.conftest import skip_or_fail

SPANISH = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# What makemessages reads: the packages with words and the templates (tests are ignored).
SOURCES = ("journeys", "districts", "surveys", "onpoint", "demo", "templates")


def catalog() -> polib.POFile:
    return polib.pofile(str(SPANISH))


def test_every_english_text_has_its_spanish_and_none_is_fuzzy() -> None:
    entries = catalog()
    assert not entries.metadata_is_fuzzy
    untranslated = [entry.msgid for entry in entries.untranslated_entries()]
    fuzzy = [entry.msgid for entry in entries.fuzzy_entries()]
    empty_plurals = [
        entry.msgid
        for entry in entries
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]
    assert untranslated == [], untranslated
    assert fuzzy == [], fuzzy
    assert empty_plurals == [], empty_plurals
    assert entries.obsolete_entries() == []


def test_the_spanish_keeps_every_placeholder_of_the_english() -> None:
    wrong = []
    for entry in catalog():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # A singular may spell its number out ("una"), so the plural form sets the rule.
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((entry.msgid, text))
    assert wrong == [], wrong


def test_the_catalog_has_every_text_of_the_sources_and_no_other(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        skip_or_fail("makemessages needs GNU gettext (apt-get install gettext)")
    # makemessages writes into the locale folder of the tree it runs in: run it in a copy.
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_OPTIONS],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DEBUG": "true", "JOURNEYS_VAR_DIR": str(tmp_path / "var")},
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"))

    def texts(entries: polib.POFile) -> set[tuple[str, str]]:
        return {(entry.msgid, entry.msgid_plural) for entry in entries if not entry.obsolete}

    missing = texts(extracted) - texts(catalog())
    unused = texts(catalog()) - texts(extracted)
    assert (missing, unused) == (set(), set()), "run `make messages`, then translate"


def test_the_catalog_compiles_in_pure_python_and_django_reads_it(tmp_path: Path) -> None:
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(SPANISH, folder / "django.po")
    assert catalogs_compile(tmp_path) == [folder / "django.mo"]
    assert catalogs_compile(tmp_path) == []  # up to date: nothing to do
    compiled = polib.mofile(str(folder / "django.mo"))
    assert len(compiled) == len(catalog().translated_entries())
    with translation.override("es"):
        assert translation.gettext("How is personalized learning going?") == (
            "¿Cómo va el aprendizaje personalizado?"
        )
