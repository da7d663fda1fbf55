"""The drafted まとめ states exactly the judgement of the rules for every KPI, and never overwrites a written one."""

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.domain.checks import circled
from kouka.domain.draft import GAP_CAUSE, GAP_IMPROVEMENT, GAP_OPEN, PHRASES, draft_verification, has_gaps
from kouka.domain.model import Kpi, Measurement, MeasurementStatus, Project
from kouka.domain.rules import Judgement, judge_kpi
from paths import EXAMPLE
from render_support import example_report

runner = CliRunner()


def stated_judgement(paragraphs: list[str], kpi: Kpi) -> Judgement:
    """The judgement the draft states for ``kpi``: the phrase of the first sentence that names it."""
    ref = re.compile(f"成果目標{circled(kpi.number)}(?![0-9])")
    sentences = [s for p in paragraphs for s in re.split("(?<=。)", p) if s]
    first = next(s for s in sentences if ref.search(s))
    stated = [j for j, phrase in PHRASES.items() if phrase in first]
    assert len(stated) == 1, (first, stated)
    return stated[0]


def test_draft_states_the_rules_judgement_for_every_seed_kpi() -> None:
    report = example_report()
    checked = 0
    for project in report.projects:
        paragraphs = draft_verification(project, report.fiscal_year)
        for kpi in project.kpis:
            assert stated_judgement(paragraphs, kpi) is judge_kpi(kpi, report.fiscal_year).judgement
            checked += 1
    assert checked == 11


def test_draft_in_the_seed_tone_with_figures_and_gaps() -> None:
    report = example_report()
    first = draft_verification(report.project(1), 2022)
    assert first[0].startswith("成果目標②「まちなかワークショップ参加者数」及び成果目標③")
    assert "令和4年度目標をそれぞれ達成した。" in first[0]
    assert first[1].startswith("一方、成果目標①「まちなかで新たに創業した事業者の数」は2社にとどまり、"
                               "目標の4社に届かなかった。")
    assert GAP_CAUSE in first[1] and GAP_IMPROVEMENT in first[1]
    assert first[-1].startswith("令和4年度事業を総括すると、未達成の成果目標もあったものの、")
    assert has_gaps(first)


def test_draft_marks_wide_area_and_preliminary() -> None:
    wide = draft_verification(example_report().project(3), 2022)
    text = "".join(wide)
    assert "本市分として成果測定はでき" in wide[0] and "群馬県全体" in wide[0]
    assert "県において集計中" in text and "90社(速報値)" in text and "成果目標④は速報値による" in text
    assert "達成した" not in text and "届かなかった" not in text


def _project(actual: Measurement, target: str = "10") -> Project:
    kpi = Kpi(1, "参加者数", "人", targets={2022: Measurement(Decimal(target), "人", text=f"{target}人")},
              actuals={2022: actual})
    return Project(1, "テスト事業", 2022, 2024, kpis=[kpi])


@pytest.mark.parametrize(
    ("actual", "judgement", "words"),
    [
        (Measurement(Decimal(12), "人", MeasurementStatus.PRELIMINARY, text="12人（速報値）", note="速報値"),
         Judgement.MET, "成果目標①は速報値による"),
        (Measurement(None, "人", MeasurementStatus.PENDING, text="集計中", note="集計中"),
         Judgement.PENDING, "実績の確定後に改めて検証する"),
        (Measurement(None, "人", MeasurementStatus.NOT_APPLICABLE, text="－"),
         Judgement.NOT_JUDGEABLE, "数値で示されていないため"),
        (Measurement(Decimal(3), "人", text="3人"), Judgement.NOT_MET, "3人にとどまり、目標の10人に届かなかった"),
    ],
)
def test_draft_for_each_judgement(actual: Measurement, judgement: Judgement, words: str) -> None:
    project = _project(actual)
    paragraphs = draft_verification(project, 2022)
    assert judge_kpi(project.kpis[0], 2022).judgement is judgement
    assert stated_judgement(paragraphs, project.kpis[0]) is judgement
    assert words in "".join(paragraphs)


def test_draft_without_kpis_is_all_gaps() -> None:
    paragraphs = draft_verification(Project(9, "成果目標のない事業", 2022, 2022), 2022)
    assert all(GAP_OPEN in p for p in paragraphs)


def _cli(*args: str) -> str:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_draft_prints_and_keeps_written_verifications(tmp_path: Path) -> None:
    printed = _cli("draft", str(EXAMPLE), "--project", "1")
    assert "目標の4社に届かなかった" in printed and "記入済み" in printed
    out = tmp_path / "drafted.json"
    _cli("draft", str(EXAMPLE), "-o", str(out))
    assert interchange.load(out) == interchange.load(EXAMPLE)  # every まとめ was written: nothing changed


def test_cli_draft_fills_empty_and_overwrites_only_when_asked(tmp_path: Path) -> None:
    document = interchange.load(EXAMPLE)
    edited = copy.deepcopy(document)
    edited.reports[0].project(2).verification = []
    source = tmp_path / "in.json"
    interchange.save(edited, source)
    _cli("draft", str(source), "-o", str(source))
    after = interchange.load(source).reports[0]
    assert after.project(2).verification == draft_verification(after.project(2), 2022)
    assert after.project(1).verification == document.reports[0].project(1).verification
    _cli("draft", str(source), "-o", str(source), "--overwrite")
    again = interchange.load(source).reports[0]
    assert again.project(1).verification == draft_verification(again.project(1), 2022)
