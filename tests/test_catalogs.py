"""The apps' Spanish catalogs (surveys/locale, onpoint/locale): every message translated, the
compiled .mo (what Django reads) holding exactly the .po's translations, and every placeholder
kept. Plain Python: no gettext tools needed to run it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))
STRING = r'"((?:[^"\\]|\\.)*)"'


def _unescaped(text: str) -> str:
    """A .po string's escapes (\\n, \\") read, its UTF-8 kept."""
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def entries(po: Path) -> dict[str, str]:
    """msgid to msgstr of a .po file (single forms only, as these catalogs have)."""
    found = {}
    text = po.read_text(encoding="utf-8")
    for block in re.finditer(rf"msgid ((?:{STRING}\s*)+)msgstr ((?:{STRING}\s*)+)", text):
        msgid = "".join(re.findall(STRING, block.group(1)))
        msgstr = "".join(re.findall(STRING, block.group(3)))
        found[_unescaped(msgid)] = _unescaped(msgstr)
    found.pop("", None)
    return found


def test_the_apps_have_their_catalogs() -> None:
    assert {po.relative_to(ROOT).parts[0] for po in CATALOGS} >= {"surveys", "onpoint"}


@pytest.mark.parametrize("po", CATALOGS, ids=[str(p.relative_to(ROOT)) for p in CATALOGS])
def test_each_message_is_translated_with_its_placeholders_and_compiled(po: Path) -> None:
    source = entries(po)
    assert source
    with po.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for msgid, msgstr in source.items():
        assert msgstr, msgid
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))
        assert catalog.gettext(msgid) == msgstr, f"{po.with_suffix('.mo')} is stale: {msgid!r}"
