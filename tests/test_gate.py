"""The publication checklist: what blocks 公表する, what must be acknowledged, and ``kouka check`` saying the same."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.domain.checks import Severity
from kouka.domain.draft import draft_verification
from kouka.domain.gate import publication_findings
from kouka.domain.model import Document, Kpi, Measurement, MeasurementStatus, Report
from kouka.domain.notation import NOTHING_WRITTEN, read_measurement

for _module in COMMAND_MODULES:
    __import__(_module)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def example() -> Report:
    return interchange.load(EXAMPLE).reports[0]


def codes(report: Report, previous: Report | None = None) -> list[tuple[str, str, str]]:
    return [(f.severity.value, f.code, f.where) for f in publication_findings(report, previous)]


def test_the_published_example_passes() -> None:
    assert publication_findings(example()) == []


def test_a_draft_with_gaps_left_is_refused_naming_project_and_field() -> None:
    report = example()
    report.projects[0] = replace(report.projects[0],
                                 verification=draft_verification(report.projects[0], report.fiscal_year))
    (finding,) = publication_findings(report)
    assert (finding.severity, finding.code, finding.path) == (Severity.ERROR, "placeholder",
                                                              "$.projects[0].verification[0]")
    assert finding.message.startswith("事業① まとめ（検証結果）に記入されていない箇所が残っています")
    assert "【要記入：" in finding.message


@pytest.mark.parametrize("mark", [NOTHING_WRITTEN, "(未記入)"])
def test_kouka_s_own_nothing_written_mark_is_a_placeholder(mark: str) -> None:
    report = example()
    report.projects[1] = replace(report.projects[1], direction_reason=[mark])
    assert codes(report) == [("error", "placeholder", "事業②")]
    assert "今後の方針の理由" in publication_findings(report)[0].message


def test_missing_parts_block_publication() -> None:
    report = example()
    report.projects[2] = replace(report.projects[2], verification=[" "], cost_yen=None, grant_yen=None)
    kpi = report.projects[0].kpis[1]
    report.projects[0].kpis[1] = replace(kpi, unit="", targets={})
    assert codes(report) == [
        ("error", "total_mismatch", "本市交付額"),  # the sum no longer holds ③'s grant
        ("error", "unit_missing", "事業① 成果目標②"), ("error", "target_missing", "事業① 成果目標②"),
        ("error", "verification_missing", "事業③"), ("error", "cost_missing", "事業③"),
        ("error", "grant_missing", "事業③")]
    messages = [f.message for f in publication_findings(report)]
    assert "事業① 成果目標② 令和4年度の目標値がありません" in messages
    assert "事業③ 市事業費がありません" in messages  # the city's own label of the cost


def test_a_grant_that_is_not_cost_times_rate_still_blocks() -> None:
    report = example()
    report.projects[0] = replace(report.projects[0], grant_yen=4_981_030)
    assert ("error", "grant_mismatch", "事業①") in codes(report)
    assert ("error", "total_mismatch", "本市交付額") in codes(report)


def test_warnings_to_acknowledge() -> None:
    report = example()
    project = report.projects[0]
    extra = [replace(project.kpis[0], number=n, key="") for n in (4, 5)]
    preliminary = replace(project.kpis[1], actuals={2022: read_measurement("30人(速報値)", "人")})
    report.projects[0] = replace(project, kpis=[project.kpis[0], preliminary, project.kpis[2], *extra])
    assert codes(report) == [("warning", "too_many_kpis", "事業①"),
                             ("warning", "preliminary_without_note", "事業① 成果目標②")]
    noted = replace(preliminary, notes=["令和4年度の実績は速報値であり、確定値は令和5年7月に公表予定"])
    report.projects[0].kpis[1] = noted
    assert codes(report) == [("warning", "too_many_kpis", "事業①")]


def test_a_unit_different_from_last_year_is_a_warning() -> None:
    previous = example()
    report = replace(example(), fiscal_year=2023)
    for project in report.projects:  # the year's own figures, so only the unit is left to find
        for kpi in project.kpis:
            kpi.targets[2023] = kpi.targets[2022]
    kpi = report.projects[1].kpis[1]
    report.projects[1].kpis[1] = replace(kpi, unit="社", targets={2023: Measurement(None, "社",
                                                                                     MeasurementStatus.PENDING)})
    found = [f for f in publication_findings(report, previous) if f.code == "unit_changed"]
    assert [(f.where, f.message) for f in found] == [
        ("事業② 成果目標②", "事業② 成果目標② 単位が前年度の「件」から「社」に変わっています")]


def test_kouka_check_prints_the_same_findings_in_the_same_words(tmp_path: Path) -> None:
    report = example()
    report.projects[0] = replace(report.projects[0],
                                 verification=draft_verification(report.projects[0], report.fiscal_year))
    report.projects[1].kpis.append(Kpi(5, "新しい指標", ""))
    path = tmp_path / "draft.json"
    interchange.save(Document([report]), path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    expected = publication_findings(report, path="$.reports[0]")
    assert expected and all(f.message in result.output.replace("\n", "") for f in expected)
    assert json.loads(path.read_text())["reports"][0]["fiscal_year"] == 2022
