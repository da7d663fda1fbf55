"""Excel layouts beyond the national form fixture: two header rows under merged cells, projects merged
down over one row per KPI, amounts in 万円 from a header remark."""

from pathlib import Path

from openpyxl import Workbook

from kouka import interchange
from kouka.domain.model import EffectLevel, MeasurementStatus, NextDirection
from kouka.importers import import_path


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "R4効果検証"
    sheet.append(["令和4年度 桜川町 地方創生推進交付金 効果検証"])
    sheet.append(["No", "事業名", "事業期間", "事業費（万円）", "交付金（万円）", "重要業績評価指標（KPI）",
                  None, None, None, "事業の評価", "今後の方針"])
    sheet.append([None, None, None, None, None, "指標名", "単位", "目標値（R4）", "実績値（R4）", None, None])
    sheet.append([1, "桜川まるごと体験事業", "R4～R6", 640, 320, "体験プログラム参加者数", "人", 1500, 1720,
                  "地方創生に相当程度効果があった", "現状通り事業継続"])
    sheet.append([1, "桜川まるごと体験事業", "R4～R6", 640, 320, "体験プログラム数", "件", 20, 18,
                  "地方創生に相当程度効果があった", "現状通り事業継続"])
    sheet.append([2, "桜川創業塾", "R3～R4", 180, 90, "創業者数", "人", 4, "集計中",
                  "地方創生に効果があった", "事業・期間の終了"])
    for column in "ABCDEJK":  # the project's cells merged over its two KPI rows
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("F2:I2")
    book.save(path)
    return path


def test_two_header_rows_and_merged_project_cells(tmp_path: Path) -> None:
    result = import_path(_workbook(tmp_path / "sakuragawa.xlsx"))
    report = result.document.reports[0]
    assert (report.municipality.name, report.fiscal_year) == ("桜川町", 2022)
    assert [p.title for p in report.projects] == ["桜川まるごと体験事業", "桜川創業塾"]
    first, second = report.projects
    assert (first.start_year, first.end_year, first.cost_yen, first.grant_yen) == (2022, 2024, 6_400_000, 3_200_000)
    assert [(k.number, k.name, k.unit) for k in first.kpis] == [(1, "体験プログラム参加者数", "人"),
                                                             (2, "体験プログラム数", "件")]
    assert first.kpis[1].actuals[2022].value == 18 and first.kpis[0].targets[2022].value == 1500
    assert first.evaluation is not None and first.evaluation.category is EffectLevel.CONSIDERABLE
    assert first.next_direction is not None and first.next_direction.category is NextDirection.CONTINUE
    assert second.kpis[0].actuals[2022].status is MeasurementStatus.PENDING
    assert second.next_direction is not None and second.next_direction.category is NextDirection.COMPLETE
    # 桜川町 is no real body, so its prefecture is a finding of its own; nothing else is
    assert [f.code for f in result.findings if f.code.startswith("import_")] == ["import_no_prefecture"]


def test_summary_table_with_one_kpi_column_and_an_unknown_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["令和3年度 地方創生推進交付金事業の実施状況（本市分）", None, None, None, None, None, None])
    sheet.append(["事業名", "担当課", "交付金額", "KPI", "目標値", "実績値", "写真番号"])
    sheet.append(["駅前再生事業（拡充）", "都市計画課", "1,250,000円", "歩行者通行量（人）", "4,000", "4,410", "3"])
    sheet.append(["ワイン産業振興事業", "農政課", "800,000円", "ワイナリー来訪者数（人）", "9,000", "7,730", ""])
    path = tmp_path / "summary.xlsx"
    book.save(path)
    result = import_path(path)
    report = result.document.reports[0]
    assert report.fiscal_year == 2021
    first, second = report.projects
    assert (first.title, first.title_notes, first.grant_yen) == ("駅前再生事業", ["（拡充）"], 1_250_000)
    assert [(k.number, k.name, k.unit) for k in first.kpis] == [(1, "歩行者通行量", "人")]
    assert first.kpis[0].actuals[2021].value == 4410 and second.kpis[0].targets[2021].value == 9000
    assert first.notes == ["写真番号：3"] and second.notes == []
    unknown = [f for f in result.findings if f.code == "import_unknown_label"]
    assert len(unknown) == 1 and unknown[0].where == "Sheet!G3"
    # 本市分 names no body: said in a finding, and the document is still one kouka reads back
    assert report.municipality.name == ""
    assert [f.path for f in result.findings if f.code == "import_no_municipality"] == [
        "$.reports[0].municipality.name"]
    assert interchange.loads(interchange.dumps(result.document)) == result.document
