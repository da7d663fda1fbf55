"""Issue 16.1–16.2: a department's workbook, filled as a clerk fills it, comes back as exactly the changes meant;
a field changed in kouka meanwhile is refused alone; another department's, year's or city's workbook is refused."""

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from exchange_support import Clerk, example_report, next_year_report, with_actual
from kouka.domain.model import (
    DIRECTION_LABELS,
    EFFECT_LABELS,
    Body,
    Categorised,
    EffectLevel,
    Measurement,
    MeasurementStatus,
    NextDirection,
    Report,
)
from kouka.exchange.errors import PlanInvalid, PlanStale, WorkbookRefused
from kouka.exchange.export import export_workbook
from kouka.exchange.plan import Plan, apply_plan, plan_changes
from kouka.exchange.reading import read_workbook
from render_support import soffice_convert

DEPARTMENT = "商工労働課"  # 事業① (shared with 都市開発課 and 企画調整課) and 事業③


@pytest.fixture
def current() -> Report:
    """令和5年度 in kouka: 事業①'s ワークショップ参加者数 has a first count of 27人 already."""
    return with_actual(next_year_report(), 1, 2, 2023, "27人", 27)


def clerk_fills(current: Report) -> bytes:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    one, three = "事業①", "事業③"
    clerk.fill({
        (one, clerk.cell(one, "事業費（円）")): "1,929万3,030円",
        (one, clerk.cell(one, "交付金充当額（円）")): 9646515,
        (one, clerk.kpi_cell(one, 1, "目標値", "令和5年度")): "4社",
        (one, clerk.kpi_cell(one, 1, "実績値", "令和5年度")): 3,
        (one, clerk.kpi_cell(one, 2, "実績値", "令和5年度")): "29人",
        (one, clerk.kpi_cell(one, 3, "実績値", "令和5年度")): "４１，２００人",
        (one, clerk.kpi_cell(one, 3, "基準値の年度")): "令和5年度",
        (one, clerk.kpi_cell(one, 3, "基準値")): "39,400人",
        (one, clerk.cell(one, "まとめ（検証結果）")): "創業者数は3社にとどまった。\n\nワークショップ参加者は29人"
                                                      "となった。",
        (one, clerk.cell(one, "事業の評価")): "②地方創生に相当程度効果があった",
        (one, clerk.cell(one, "今後の方針")): "事業の継続",
        (one, clerk.cell(one, "今後の方針の理由")): "創業支援の周知を強化して継続する。",
        (three, clerk.kpi_cell(three, 1, "実績値", "令和5年度")): "県において集計中",
        (three, clerk.kpi_cell(three, 4, "実績値", "令和5年度")): "90社(速報値)",
        (three, clerk.kpi_cell(three, 2, "実績値", "令和5年度")): "約30件",  # a 社 KPI: refused, the rest applies
    })
    return clerk.save()


def sentences(plan: Plan) -> dict[str, list[str]]:
    return {"changes": [c.sentence for c in plan.changes], "conflicts": [n.sentence for n in plan.conflicts],
            "errors": [n.sentence for n in plan.errors], "untouched": [n.sentence for n in plan.untouched]}


def test_a_filled_workbook_reads_back_to_exactly_the_changes_meant(current: Report) -> None:
    plan = plan_changes(read_workbook(clerk_fills(current)), current, department=DEPARTMENT)
    assert sentences(plan) == {
        "changes": [
            "事業① 事業費: （空欄） → 1,929万3,030円",
            "事業① 交付金充当額: （空欄） → 964万6,515円",
            "事業① 成果目標① 令和5年度 目標値: （空欄） → 4社",
            "事業① 成果目標① 令和5年度 実績値: （空欄） → 3社",
            "事業① 成果目標② 令和5年度 実績値: 27人 → 29人",
            "事業① 成果目標③ 基準値: 27,700人 → 39,400人",
            "事業① 成果目標③ 基準値の年度: 令和3年度 → 令和5年度",
            "事業① 成果目標③ 令和5年度 実績値: （空欄） → ４１，２００人",
            "事業① まとめ（検証結果）: （空欄） → 「創業者数は3社にとどまった。 ワークショップ参加者は29人となった。」",
            "事業① 事業の評価: （空欄） → 地方創生に相当程度効果があった",
            "事業① 今後の方針: （空欄） → 事業の継続",
            "事業① 今後の方針の理由: （空欄） → 「創業支援の周知を強化して継続する。」",
            "事業③ 成果目標① 令和5年度 実績値: （空欄） → 県において集計中",
            "事業③ 成果目標④ 令和5年度 実績値: （空欄） → 90社(速報値)",
        ],
        "conflicts": [],
        "errors": ["事業③ シート C25: 『約30件』の単位が成果目標の単位（社）と違います"],
        "untouched": [],
    }


def test_the_plan_applies_to_exactly_the_report_meant(current: Report) -> None:
    plan = plan_changes(read_workbook(clerk_fills(current)), current, department=DEPARTMENT)
    expected = copy.deepcopy(current)
    one = expected.project(1)
    one.cost_yen, one.grant_yen = 19293030, 9646515
    one.kpi(1).targets[2023] = Measurement(Decimal(4), "社", text="4社")
    one.kpi(1).actuals[2023] = Measurement(Decimal(3), "社", text="3社")  # typed as the number 3
    one.kpi(2).actuals[2023] = Measurement(Decimal(29), "人", text="29人")
    one.kpi(3).actuals[2023] = Measurement(Decimal(41200), "人", text="４１，２００人")
    one.kpi(3).baseline = Measurement(Decimal(39400), "人", text="39,400人")
    one.kpi(3).baseline_year = 2023
    one.verification = ["創業者数は3社にとどまった。", "ワークショップ参加者は29人となった。"]
    one.evaluation = Categorised(EffectLevel.CONSIDERABLE, EFFECT_LABELS[EffectLevel.CONSIDERABLE])
    one.next_direction = Categorised(NextDirection.CONTINUE, DIRECTION_LABELS[NextDirection.CONTINUE])
    one.direction_reason = ["創業支援の周知を強化して継続する。"]
    three = expected.project(3)
    three.kpi(1).actuals[2023] = Measurement(None, "件", MeasurementStatus.PENDING, text="県において集計中",
                                            note="県において集計中")
    three.kpi(4).actuals[2023] = Measurement(Decimal(90), "社", MeasurementStatus.PRELIMINARY, text="90社(速報値)",
                                            note="速報値")
    before = copy.deepcopy(current)
    assert apply_plan(plan, current) == expected
    assert current == before  # the current report itself is not changed


def test_a_field_changed_in_kouka_meanwhile_is_refused_alone_and_nothing_else_is_lost(current: Report) -> None:
    filled = clerk_fills(current)
    # Meanwhile, on the web: 都市開発課 corrects the same actual to 28人, and sets another KPI's target.
    meanwhile = with_actual(current, 1, 2, 2023, "28人", 28)
    meanwhile.project(1).kpi(2).targets[2023] = Measurement(Decimal(12), "人", text="12人")
    plan = plan_changes(read_workbook(filled), meanwhile, department=DEPARTMENT)
    assert [n.sentence for n in plan.conflicts] == [
        "事業① 成果目標② 令和5年度 実績値: この記入シートを作った後に kouka で 27人 から 28人 に変更されたため、"
        "記入シートの 29人 は取り込みません"]
    assert len(plan.changes) == 13 and all("成果目標② 令和5年度 実績値" not in c.sentence for c in plan.changes)
    updated = apply_plan(plan, meanwhile)
    kpi = updated.project(1).kpi(2)
    assert kpi.actuals[2023].text == "28人" and kpi.targets[2023].text == "12人"  # both web edits kept
    assert updated.project(1).cost_yen == 19293030 and updated.project(3).kpi(4).actuals[2023].text == "90社(速報値)"


def test_the_same_change_made_in_kouka_and_in_the_workbook_is_no_conflict(current: Report) -> None:
    filled = clerk_fills(current)
    meanwhile = with_actual(current, 1, 2, 2023, "29人", 29)
    plan = plan_changes(read_workbook(filled), meanwhile, department=DEPARTMENT)
    assert plan.conflicts == () and all("成果目標② 令和5年度 実績値" not in c.sentence for c in plan.changes)


def test_an_unchanged_workbook_changes_nothing_even_after_kouka_changed(current: Report) -> None:
    data = export_workbook(current, DEPARTMENT)
    meanwhile = with_actual(current, 1, 2, 2023, "28人", 28)
    meanwhile.project(1).cost_yen = 100
    plan = plan_changes(read_workbook(data), meanwhile, department=DEPARTMENT)
    assert (plan.changes, plan.conflicts, plan.errors, plan.untouched) == ((), (), (), ())
    assert apply_plan(plan, meanwhile) == meanwhile


def test_a_figure_typed_again_in_other_notation_is_no_change(current: Report) -> None:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    clerk.type("事業①", clerk.kpi_cell("事業①", 2, "実績値", "令和5年度"), 27)  # was 「27人」
    clerk.type("事業①", clerk.kpi_cell("事業①", 3, "基準値"), "２７，７００人")  # was 「27,700人」
    clerk.type("事業①", clerk.kpi_cell("事業①", 3, "基準値の年度"), "R3")  # was 「令和3年度」
    plan = plan_changes(read_workbook(clerk.save()), current, department=DEPARTMENT)
    assert plan.changes == () and plan.errors == ()


@pytest.mark.parametrize(("made_for", "upload_to", "message"), [
    ({"department": "企業誘致課"}, {"department": DEPARTMENT},
     "このワークブックは企業誘致課の記入シートのため、商工労働課には取り込めません"),
    ({"department": None}, {"department": DEPARTMENT},
     "このワークブックは全課の記入シートのため、商工労働課には取り込めません"),
    ({"year": 2022}, {}, "このワークブックは令和4年度の記入シートのため、令和5年度には取り込めません"),
    ({"body": Body("前橋市", "群馬県", "102016")}, {},
     "このワークブックは群馬県前橋市の記入シートのため、群馬県伊勢崎市には取り込めません"),
])
def test_a_workbook_of_another_department_year_or_city_is_refused_whole(
        current: Report, made_for: dict[str, object], upload_to: dict[str, object], message: str) -> None:
    source = example_report() if made_for.get("year") == 2022 else current
    if "body" in made_for:
        source = replace(current, municipality=made_for["body"])
    department = made_for.get("department", DEPARTMENT)
    data = export_workbook(source, department if isinstance(department, str) else None)
    with pytest.raises(WorkbookRefused) as refused:
        plan_changes(read_workbook(data), current, department=str(upload_to.get("department", DEPARTMENT)))
    assert str(refused.value) == message


def test_projects_no_longer_the_departments_and_locked_cells_are_named_and_left_alone(current: Report) -> None:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    clerk.type("事業③", clerk.cell("事業③", "市事業費（円）"), 300000)
    clerk.type("事業①", clerk.cell("事業①", "事業費（円）"), 9000000)
    clerk.overwrite_locked("事業①", clerk.cell("事業①", "事業名"), "まちなか創業プロジェクト")
    clerk.overwrite_locked("事業①", clerk.kpi_cell("事業①", 2, "実績値", "令和4年度"), "30人")
    now = copy.deepcopy(current)
    now.project(3).departments = ["産業政策課"]  # 事業③ moved to another department after the export
    plan = plan_changes(read_workbook(clerk.save()), now, department=DEPARTMENT)
    assert [c.sentence for c in plan.changes] == ["事業① 事業費: （空欄） → 900万円"]
    address = clerk.kpi_cell("事業①", 2, "実績値", "令和4年度")
    assert [n.sentence for n in plan.untouched] == [
        "事業③は商工労働課の担当ではないため、取り込みません",
        "事業① シート B5: 事業名は変更できない欄のため取り込みません（『まちなか創業プロジェクト』）",
        f"事業① シート {address}: 成果目標② 令和4年度 実績値は変更できない欄のため取り込みません（『30人』）",
    ]
    assert apply_plan(plan, now).project(1).title == current.project(1).title


def test_a_project_or_kpi_gone_from_kouka_is_named_once(current: Report) -> None:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    clerk.type("事業③", clerk.cell("事業③", "市事業費（円）"), 300000)
    clerk.type("事業③", clerk.cell("事業③", "交付金充当額（円）"), 150000)
    clerk.type("事業①", clerk.kpi_cell("事業①", 3, "実績値", "令和5年度"), "40,000人")
    now = copy.deepcopy(current)
    now.projects = [p for p in now.projects if p.number != 3]
    now.project(1).kpis = now.project(1).kpis[:2]
    plan = plan_changes(read_workbook(clerk.save()), now, department=DEPARTMENT)
    assert plan.changes == ()
    assert [n.sentence for n in plan.untouched] == [
        "事業① 成果目標③「まちなかにおけるにぎわいづくりに資する事業への来場者数」は kouka にないため、取り込みません",
        "事業③「産業ニューノーマル創出事業」は kouka にないため、取り込みません"]


def test_a_value_that_may_not_be_stored_is_an_error_for_its_field(current: Report) -> None:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    clerk.type("事業①", clerk.cell("事業①", "まとめ（検証結果）"), "あ" * 8001)
    clerk.type("事業①", clerk.cell("事業①", "事業費（円）"), "△500円")
    clerk.type("事業①", clerk.kpi_cell("事業①", 2, "実績値", "令和5年度"), "30人")
    plan = plan_changes(read_workbook(clerk.save()), current, department=DEPARTMENT)
    cost, verification = clerk.cell("事業①", "事業費（円）"), clerk.cell("事業①", "まとめ（検証結果）")
    assert [n.sentence for n in plan.errors] == [
        f"事業① シート {cost}: 事業① 事業費が負の額です（△500円）",
        f"事業① シート {verification}: 事業① まとめ（検証結果）が長すぎます（8,001文字、上限8,000文字）",
    ]
    assert [c.sentence for c in plan.changes] == ["事業① 成果目標② 令和5年度 実績値: 27人 → 30人"]


def test_applying_a_plan_after_kouka_changed_the_field_is_stale(current: Report) -> None:
    plan = plan_changes(read_workbook(clerk_fills(current)), current, department=DEPARTMENT)
    with pytest.raises(PlanStale, match="事業① 成果目標② 令和5年度 実績値 が変更プランの作成後に kouka で変更"):
        apply_plan(plan, with_actual(current, 1, 2, 2023, "28人", 28))


def test_a_plan_whose_result_would_not_validate_is_refused(current: Report) -> None:
    plan = plan_changes(read_workbook(clerk_fills(current)), current, department=DEPARTMENT)
    change = plan.changes[0]
    broken = replace(plan, changes=(replace(change, new=-1),))  # what no plan_changes gives: a negative 事業費
    with pytest.raises(PlanInvalid, match="事業① 事業費が負の額です"):
        apply_plan(broken, current)


def test_the_digest_changes_with_what_would_be_saved(current: Report) -> None:
    filled = read_workbook(clerk_fills(current))
    first = plan_changes(filled, current, department=DEPARTMENT)
    assert plan_changes(filled, current, department=DEPARTMENT).digest == first.digest
    meanwhile = copy.deepcopy(current)
    meanwhile.project(1).kpi(3).targets[2023] = Measurement(Decimal(5), "人", text="5人")  # not in the workbook
    assert plan_changes(filled, meanwhile, department=DEPARTMENT).digest == first.digest
    meanwhile.project(1).cost_yen = 1  # a field the workbook changes: the plan would now overwrite 1円
    assert plan_changes(filled, meanwhile, department=DEPARTMENT).digest != first.digest


def test_the_manifest_keeps_the_versions_given_to_the_export(current: Report) -> None:
    from kouka.domain.carry import kpi_key, project_key

    project = current.project(1)
    keys = {project_key(current.municipality, project): 7, kpi_key(current.municipality, project, project.kpi(2)): 3}
    edit = read_workbook(export_workbook(current, DEPARTMENT, versions=keys))
    assert edit.meta.versions() == keys
    assert [p.number for p in edit.meta.projects] == [1, 3] and edit.meta.department == DEPARTMENT


def test_the_plan_speaks_the_language_asked_for(current: Report) -> None:
    from kouka.domain import i18n

    data = clerk_fills(current)
    with i18n.language("en"):  # messages are made when the workbook is read and planned
        plan = plan_changes(read_workbook(data), with_actual(current, 1, 2, 2023, "28人", 28), department=DEPARTMENT)
        assert [n.sentence for n in plan.conflicts] == [
            "Project ① KPI ② 令和5年度 actual: changed in kouka from 27人 to 28人 after the workbook was made, so the "
            "workbook's 29人 is not taken"]
        assert plan.errors[0].sentence == "sheet 事業③ C25: the unit of “約30件” is not the KPI's unit (社)"


def test_a_workbook_saved_again_by_libreoffice_gives_the_same_plan(current: Report, tmp_path: Path) -> None:
    """A clerk with LibreOffice Calc rather than Excel: its .xlsx keeps the hidden sheet, the values and the cells."""
    source = tmp_path / "filled.xlsx"
    source.write_bytes(clerk_fills(current))
    resaved = soffice_convert(source, "xlsx:Calc MS Excel 2007 XML", tmp_path).read_bytes()
    assert resaved != source.read_bytes()
    expected = plan_changes(read_workbook(source.read_bytes()), current, department=DEPARTMENT)
    assert sentences(plan_changes(read_workbook(resaved), current, department=DEPARTMENT)) == sentences(expected)


def test_a_figure_of_a_kpi_whose_unit_changed_in_kouka_is_refused(current: Report) -> None:
    clerk = Clerk(export_workbook(current, DEPARTMENT))
    clerk.type("事業①", clerk.kpi_cell("事業①", 3, "実績値", "令和5年度"), "41,200人")
    now = copy.deepcopy(current)
    now.project(1).kpi(3).unit = "千人"
    plan = plan_changes(read_workbook(clerk.save()), now, department=DEPARTMENT)
    assert plan.changes == () and [n.sentence for n in plan.conflicts] == [
        "事業① 成果目標③ 令和5年度 実績値: この記入シートを作った後に kouka で成果目標の単位が人から千人に"
        "変更されたため、取り込みません"]
