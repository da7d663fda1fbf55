"""Japanese first, English as a translation: the catalogue is complete, compiled, and covers every marked message."""

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest

from kouka import interchange
from kouka.domain import i18n
from kouka.domain.gate import publication_findings
from kouka.domain.validation import report_problems

CATALOGUE = i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def test_every_message_has_its_english_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []
    for entry in catalogue.translated_entries():
        assert sorted(_fields(entry.msgid)) == sorted(_fields(entry.msgstr)), entry.msgid


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_the_compiled_catalogue_is_the_catalogue() -> None:
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(CATALOGUE)).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(COMPILED)) if e.msgid}
    assert compiled == source, "run: cd src/kouka && django-admin compilemessages"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs Debian's gettext (scripts/setup-system)")
def test_every_marked_message_of_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    package = tmp_path / "kouka"
    shutil.copytree(i18n.LOCALE_DIR.parent, package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kouka.web.settings"}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "--no-location",
                    "-e", "py,html,txt"], cwd=package, env=env, check=True, capture_output=True)
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(package / "locale/en/LC_MESSAGES/django.po"))
                 if e.msgid}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE))}
    assert extracted - committed == set(), "new messages: run makemessages in src/kouka and translate them"
    assert committed - extracted == set(), "messages no longer in the code: run makemessages --no-obsolete"


def test_core_messages_follow_the_language_asked_for() -> None:
    report = interchange.load(EXAMPLE).reports[0]
    report.projects[0] = replace(report.projects[0], verification=[], title="x" * 301)
    with i18n.language("en"):
        english = [f.message for f in publication_findings(report)] + [f.message for f in report_problems(report)]
    japanese = [f.message for f in report_problems(report)]
    assert "事業① まとめ（検証結果）が書かれていません" in [f.message for f in publication_findings(report)]
    assert any("the summary of results (まとめ) is not written" in m for m in english)
    assert any("project title is too long (301 characters, at most 300)" in m for m in english)
    assert japanese == ["事業① 事業名が長すぎます（301文字、上限300文字）"]


def test_kouka_language_chooses_the_command_line_s_language_and_lang_does_not(monkeypatch: pytest.MonkeyPatch
                                                                             ) -> None:
    monkeypatch.delenv("KOUKA_LANGUAGE", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.environment_language() == "ja"
    monkeypatch.setenv("KOUKA_LANGUAGE", "en_US.UTF-8")
    assert i18n.environment_language() == "en"


def test_a_publication_keeps_the_citys_judgements_for_an_english_reader_and_the_site_says_them_in_english() -> None:
    """The publication (fragment, PDF, workbook) is the city's Japanese text whatever the reader's language; the
    site's own mark of a judgement follows the page's language."""
    from django.utils import translation

    from kouka.domain.rules import judge_kpi
    from kouka.render.html import render_fragment
    from kouka.web.templatetags.kouka_tags import judgement_mark

    report = interchange.load(EXAMPLE).reports[0]
    with i18n.language("en"), translation.override("en"):
        fragment = render_fragment(report)
        mark = judgement_mark(judge_kpi(report.projects[2].kpis[0], report.fiscal_year))
    assert "判定対象外" in fragment and "Not judgeable" not in fragment
    assert "Not judgeable" in mark and "判定対象外" not in mark
