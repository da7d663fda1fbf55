"""The one validation before any write: what it refuses, in which words, and that what it accepts the schema
accepts too."""

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kouka import interchange
from kouka.domain.eras import YearRef, parse_year
from kouka.domain.errors import EraFormatError, NumberFormatError
from kouka.domain.jpnumbers import parse_quantity, parse_yen
from kouka.domain.model import Categorised, Document, EffectLevel, Kpi, Measurement, Project, Report
from kouka.domain.notation import read_measurement
from kouka.domain.validation import kpi_problems, project_problems, report_problems

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def example() -> Report:
    return interchange.load(EXAMPLE).reports[0]


def messages(report: Report) -> list[str]:
    return [f.message for f in report_problems(report)]


def paths(report: Report) -> list[str]:
    return [f.path for f in report_problems(report)]


def test_the_example_may_be_stored() -> None:
    assert report_problems(example()) == []


# Each value the security probe saw stored and then break a year (B3-B10), on the field it came through.
@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda p: replace(p, cost_yen=-100), "$.projects[0].cost_yen", "事業① 事業費が負の額です"),
    (lambda p: replace(p, grant_yen=-1), "$.projects[0].grant_yen", "交付金充当額が負の額です"),
    (lambda p: replace(p, cost_yen=10**23), "$.projects[0].cost_yen", "事業費が大きすぎます"),
    (lambda p: replace(p, title="a\x01b"), "$.projects[0].title", "制御文字 U+0001"),
    (lambda p: replace(p, title="右から\u202e左へ"), "$.projects[0].title", "制御文字 U+202E"),
    (lambda p: replace(p, title="二行の\n事業名"), "$.projects[0].title", "改行やタブ"),
    (lambda p: replace(p, verification=["まとめ\x00です"]), "$.projects[0].verification[0]", "制御文字 U+0000"),
    (lambda p: replace(p, title="長" * 301), "$.projects[0].title", "事業名が長すぎます（301文字、上限300文字）"),
    (lambda p: replace(p, title=" "), "$.projects[0].title", "事業名が空です"),
    (lambda p: replace(p, partner_bodies=["連" * 250]), "$.projects[0].partner_bodies[0]", "連携団体が長すぎます"),
    (lambda p: replace(p, departments=[""]), "$.projects[0].departments[0]", "担当課が空です"),
    (lambda p: replace(p, start_year=1800), "$.projects[0].period.start", "1800"),
    (lambda p: replace(p, end_year=2117), "$.projects[0].period.end", "2117"),
    (lambda p: replace(p, start_year=2024, end_year=2022), "$.projects[0].period.end", "終わりが始まりより前"),
    (lambda p: replace(p, number=0), "$.projects[0].number", "事業番号 0"),
    (lambda p: replace(p, evaluation=Categorised(EffectLevel.EFFECTIVE, "効" * 501)), "$.projects[0].evaluation.text",
     "評価の表記が長すぎます"),
])
def test_a_project_value_that_would_break_the_year_is_refused_by_name(change: object, path: str, words: str) -> None:
    report = example()
    report.projects[0] = change(report.projects[0])  # type: ignore[operator]
    found = report_problems(report)
    assert [f.path for f in found] == [path]
    assert words in found[0].message and found[0].severity.value == "error"


def figure(text: str, unit: str = "社") -> Measurement:
    return read_measurement(text, unit)


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda k: replace(k, unit="あ" * 21), ".unit", "単位が長すぎます"),
    (lambda k: replace(k, actuals={99999: figure("5社")}), ".actuals.99999", "99999"),
    (lambda k: replace(k, actuals={1800: figure("5社")}), ".actuals.1800", "1800"),
    (lambda k: replace(k, actuals={2022: figure("5" + "あ" * 60)}), ".actuals.2022.unit",
     "令和4年度実績値: 単位が長すぎます"),
    (lambda k: replace(k, actuals={2022: Measurement(Decimal(10) ** 19, "社")}), ".actuals.2022.value",
     "桁数が多すぎます"),
    (lambda k: replace(k, targets={2022: Measurement(Decimal("0.12345678901"), "社")}), ".targets.2022.value",
     "小数点以下"),
    (lambda k: replace(k, actuals={2022: replace(figure("5社"), reference=YearRef(2117))}), ".actuals.2022.reference",
     "2117"),
    (lambda k: replace(k, baseline_year=9999), ".baseline_year", "9999"),
    (lambda k: replace(k, name="a\x0bb"), ".name", "制御文字 U+000B"),
])
def test_a_kpi_value_that_would_break_the_year_is_refused_by_name(change: object, path: str, words: str) -> None:
    report = example()
    project = report.projects[0]
    project.kpis[0] = change(project.kpis[0])  # type: ignore[operator]
    found = report_problems(report)
    assert [f.path for f in found] == ["$.projects[0].kpis[0]" + path]
    assert words in found[0].message and found[0].message.startswith("事業① 成果目標①")


def test_report_fields_are_checked_too() -> None:
    report = replace(example(), stated_total_yen=-5, fiscal_year=2117, title="表\x1f題")
    assert paths(report) == ["$.title", "$.stated_total_yen", "$.fiscal_year"]


def test_kpi_and_project_checks_can_run_alone() -> None:
    report = example()
    project = replace(report.projects[0], title="")
    assert [f.path for f in project_problems(project, "$.p", with_kpis=False)] == ["$.p.title"]
    kpi = replace(project.kpis[0], unit="単" * 21)
    assert [f.path for f in kpi_problems(kpi, project, "$.k")] == ["$.k.unit"]


@pytest.mark.parametrize("text", ["1e400社", "2E5社", "3e-2人"])
def test_exponent_notation_is_refused_not_read_as_its_first_digit(text: str) -> None:
    with pytest.raises(NumberFormatError, match="指数表記"):
        parse_quantity(text)


def test_long_numbers_are_read_exactly_or_refused() -> None:
    nines = "9" * 30
    assert parse_yen(nines + "円") == int(nines)  # exact: the default Decimal context would round at 28 digits
    assert parse_quantity("12345678901234567890123456789012社").value == Decimal("12345678901234567890123456789012")
    assert parse_quantity("9,999兆9,999億9,999万9,999円").value == Decimal(10**16 - 1)
    with pytest.raises(NumberFormatError, match="桁数が多すぎます"):
        parse_quantity("1" * 41)


def test_exact_but_huge_amounts_are_then_refused_by_the_validation() -> None:
    report = example()
    report.projects[0] = replace(report.projects[0], cost_yen=parse_yen("9" * 30))
    assert messages(report) == ["事業① 事業費が大きすぎます（上限9兆9,999億9,999万9,999円）"]


@pytest.mark.parametrize(("text", "year"), [("平成31年度", 2019), ("平成32年度", 2020), ("平成33年度", 2021),
                                            ("昭和64年", 1989), ("令和4年度", 2022)])
def test_an_era_year_shortly_after_the_era_ended_is_still_read(text: str, year: int) -> None:
    assert parse_year(text).year == year


@pytest.mark.parametrize("text", ["平成40年度", "昭和70年", "大正20年"])
def test_an_era_year_long_after_the_era_ended_is_refused(text: str) -> None:
    with pytest.raises(EraFormatError, match="年までです"):
        parse_year(text)


# Generated values for every text field, number and figure: whatever the validation accepts, the schema accepts.
_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=320)
_YEARS = st.integers(min_value=1700, max_value=2200)
_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-(10**21), max_value=10**21)


@st.composite
def _projects(draw: st.DrawFn) -> Project:
    kpi = Kpi(draw(st.integers(-1, 120)), draw(_TEXT), draw(st.text(max_size=24)),
              baseline_year=draw(st.none() | _YEARS),
              actuals={draw(_YEARS): Measurement(draw(st.none() | _DECIMALS), draw(st.text(max_size=24)),
                                                 text=draw(st.text(max_size=120)),
                                                 reference=draw(st.none() | _YEARS.map(YearRef)))},
              marks={draw(_YEARS): draw(st.text(max_size=12))}, notes=draw(st.lists(_TEXT, max_size=2)))
    return Project(draw(st.integers(-1, 1200)), draw(_TEXT), draw(_YEARS), draw(_YEARS),
                   departments=draw(st.lists(st.text(max_size=70), max_size=2)),
                   partner_bodies=draw(st.lists(_TEXT, max_size=2)), lead_body=draw(_TEXT),
                   cost_yen=draw(st.none() | st.integers(-(10**15), 10**15)),
                   grant_yen=draw(st.none() | st.integers(-(10**15), 10**15)),
                   cost_label=draw(st.text(max_size=60)), kpi_scope_label=draw(_TEXT),
                   verification=draw(st.lists(_TEXT, max_size=2)), kpis=[kpi], key=draw(st.text(max_size=210)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(project=_projects(), title=_TEXT, total=st.none() | st.integers(-(10**15), 10**15))
def test_whatever_the_validation_accepts_the_schema_accepts(project: Project, title: str, total: int | None) -> None:
    report = replace(example(), title=title, stated_total_yen=total, projects=[project])
    document = json.loads(interchange.dumps(Document([report])))
    if report_problems(report):
        return
    interchange.validate(document)  # raises when the two disagree
