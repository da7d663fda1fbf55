"""The label table and the assembler on small documents: spellings, vocabularies, numbering, unplaced text."""

import pytest

from kouka.domain.model import EffectLevel, NextDirection
from kouka.domain.rules import judge_kpi
from kouka.importers import UnreadableDocumentError, import_bytes
from kouka.importers.labels import Field, direction_of, effect_of, field_of, project_number

HEAD = "令和4年度 山川市 地方創生推進交付金事業の効果検証\n本市では、令和4年度においては、次の事業を実施しました。\n"


def _doc(body: str) -> bytes:
    return (HEAD + body).encode("utf-8")


@pytest.mark.parametrize(("label", "field"), [
    ("事 業 費", Field.COST), ("交付金\n充当額", Field.GRANT), ("担当部局課名", Field.DEPARTMENTS),
    ("ＫＰＩ", Field.KPI), ("事業費（千円）", Field.COST), ("国費充当額", Field.GRANT), ("決算額", Field.COST),
    ("外部有識者の意見", Field.REVIEWER), ("推進会議での意見", Field.REVIEWER),
    ("今後の方針の理由", Field.DIRECTION_REASON),
    ("効果発現要因", Field.VERIFICATION), ("事業始期", Field.PERIOD_START), ("連携自治体", Field.PARTNERS),
])
def test_labels_fold_width_spaces_and_line_breaks(label: str, field: Field) -> None:
    found = field_of(label)
    assert found is not None and found[0] is field


@pytest.mark.parametrize(("text", "level"), [
    ("①地方創生に非常に効果的であった", EffectLevel.VERY_EFFECTIVE),
    ("非常に効果があった", EffectLevel.VERY_EFFECTIVE),
    ("② 地方創生に相当程度効果があった", EffectLevel.CONSIDERABLE),
    ("地方創生に効果があった", EffectLevel.EFFECTIVE),
    ("④地方創生に対して効果がなかった", EffectLevel.NOT_EFFECTIVE),
])
def test_effect_scale_wordings(text: str, level: EffectLevel) -> None:
    assert effect_of(text) is level


@pytest.mark.parametrize(("text", "direction"), [
    ("追加等更に発展させる", NextDirection.EXPAND), ("事業内容の見直し（改善）", NextDirection.IMPROVE),
    ("事業の継続", NextDirection.CONTINUE), ("事業の中止", NextDirection.DISCONTINUE),
    ("予定通り事業終了", NextDirection.COMPLETE), ("事業の発展", NextDirection.EXPAND), ("改善", NextDirection.IMPROVE),
    ("中止", NextDirection.DISCONTINUE), ("終了", NextDirection.COMPLETE), ("事業拡大", NextDirection.EXPAND),
    ("改善し事業継続", NextDirection.IMPROVE), ("現状通り事業継続", NextDirection.CONTINUE),
    ("事業中止・廃止", NextDirection.DISCONTINUE), ("事業・期間の終了", NextDirection.COMPLETE),
])
def test_direction_sets(text: str, direction: NextDirection) -> None:
    assert direction_of(text) is direction


@pytest.mark.parametrize(("text", "number"), [
    ("事業① 観光振興", 1), ("事業2 観光振興", 2), ("№3 観光振興", 3), ("No 4 観光振興", 4), ("No.5 観光振興", 5),
    ("（6）観光振興", 6), ("(7) 観光振興", 7), ("■事業８　観光振興", 8),
])
def test_project_number_forms(text: str, number: int) -> None:
    found = project_number(text)
    assert found is not None and found[0] == number and found[1] == "観光振興"


@pytest.mark.parametrize("marker", ["1 ", "1. ", "1) ", "(1) ", "（1）", "①", "１　", "第1 "])
def test_a_project_numbered_as_a_list_item_when_its_fields_follow(marker: str) -> None:
    second = marker.replace("1", "2").replace("１", "２").replace("①", "②")
    body = (f"{marker}山川ブランド推進事業\n担当課\t商工課\n事業期間\t令和4年度～令和5年度\n"
            "事業概要\n次の取組を行った。\n(1) 商品開発\n(2) 販路開拓\n事業費\t100万円\n交付金充当額\t50万円\n"
            "まとめ\n① 商品を3点開発した。\n② 販路は2件にとどまった。\n"
            f"{second}山川観光推進事業\n担当課\t観光課\n事業期間\t令和4年度～令和6年度\n事業費\t40万円\n")
    projects = import_bytes(_doc(body), "a.txt").document.reports[0].projects
    assert [(p.number, p.title, p.departments) for p in projects] == [
        (1, "山川ブランド推進事業", ["商工課"]), (2, "山川観光推進事業", ["観光課"])]
    assert projects[0].summary == ["次の取組を行った。", "(1) 商品開発", "(2) 販路開拓"]
    assert projects[0].verification == ["① 商品を3点開発した。", "② 販路は2件にとどまった。"]
    assert (projects[0].cost_yen, projects[1].cost_yen) == (1_000_000, 400_000)


def test_a_numbered_list_without_a_projects_fields_is_no_project() -> None:
    body = "重点分野\n1 観光の振興\n2 子育て支援\n"
    with pytest.raises(UnreadableDocumentError, match="事業が見つかりません"):
        import_bytes(_doc(body), "a.txt")


@pytest.mark.parametrize("line", ["交付金の総額は150万円です。", "令和4年度の交付額合計は、150万円となりました。",
                                  "交付金総額：150万円", "交付金の総額\t150万円"])
def test_the_total_stated_in_a_line_or_a_sentence(line: str) -> None:
    body = f"{line}\n事業1\t山川ブランド推進事業\n事業費\t300万円\n交付金充当額\t150万円\n"
    report = import_bytes(_doc(body), "a.txt").document.reports[0]
    assert report.stated_total_yen == 1_500_000 and report.stated_total_label in line


def test_a_year_matrix_with_each_kpis_name_on_its_own_row() -> None:
    body = ("事業1\t山川ワーケーション推進事業\n事業期間\t令和3年度～令和5年度\n"
            "成果目標\n\t令和3年度\t令和4年度\t令和5年度\n"
            "①ワーケーション利用者数（人）\t\t\t\n目標値\t100\t200\t300\n実績値\t80\t230\t－\n達成率\t80%\t115%\t\n"
            "②関係人口（人）\t\t\t\n基準値\t40\t\t\n目標値\t50\t60\t70\n実績値\t55\t集計中\t\n")
    result = import_bytes(_doc(body), "a.txt")
    kpis = result.document.reports[0].projects[0].kpis
    assert [(k.number, k.name, k.unit) for k in kpis] == [(1, "ワーケーション利用者数", "人"), (2, "関係人口", "人")]
    assert {y: m.text for y, m in kpis[0].targets.items()} == {2021: "100", 2022: "200", 2023: "300"}
    assert {y: m.text for y, m in kpis[0].actuals.items()} == {2021: "80", 2022: "230"}  # R5: after 令和4年度
    assert kpis[1].baseline is not None and kpis[1].baseline.value == 40 and kpis[1].baseline_year == 2021
    assert kpis[1].actuals[2022].status.value == "pending"
    # 山川市 is no real body, so its prefecture is a finding of its own; nothing else is
    assert [f.code for f in result.findings if f.code.startswith("import_")] == ["import_no_prefecture"]


@pytest.mark.parametrize("heading", ["(1) 山川スマート農業推進事業", "(1) スマート農業推進事業（拡充）"])
def test_a_title_field_under_the_projects_own_heading_names_the_same_project(heading: str) -> None:
    page = f"""<html><body><h1>令和4年度 山川市 地方創生推進交付金 効果検証</h1><h2>{heading}</h2>
    <table><tr><th>事業名</th><td>山川スマート農業推進事業</td></tr><tr><th>担当部署</th><td>農政課</td></tr>
    <tr><th>事業費</th><td>100万円</td></tr></table>
    <h2>(2) 山川観光推進事業</h2><table><tr><th>事業名</th><td>山川観光推進事業</td></tr></table></body></html>"""
    projects = import_bytes(page.encode(), "p.html").document.reports[0].projects
    assert [(p.number, p.title, p.departments) for p in projects] == [
        (1, "山川スマート農業推進事業", ["農政課"]), (2, "山川観光推進事業", [])]
    assert projects[0].title_notes == (["（拡充）"] if "拡充" in heading else [])


def test_kpis_written_one_per_line() -> None:
    body = ("事業1\t山川ブランド推進事業\n事業期間\t令和3年度～令和5年度\n【KPI】\n"
            "① 新商品数（品）　基準値（R3）：2　目標値：5　実績値：6\n"
            "・観光客数　目標値(令和4年度)：12,000人、実績値(令和4年度)：集計中\n"
            "目標：10件を上回ったため、改善は不要である。\n")
    project = import_bytes(_doc(body), "a.txt").document.reports[0].projects[0]
    assert [(k.number, k.name, k.unit) for k in project.kpis] == [(1, "新商品数", "品"), (2, "観光客数", "人")]
    first, second = project.kpis
    assert first.baseline is not None and first.baseline.value == 2 and first.baseline_year == 2021
    assert (first.targets[2022].value, first.actuals[2022].value) == (5, 6)
    assert second.targets[2022].value == 12000 and second.actuals[2022].status.value == "pending"
    assert project.notes == ["目標：10件を上回ったため、改善は不要である。"]  # a sentence stays text


def test_figures_on_one_line_without_a_kpis_name_are_text() -> None:
    """Found by fuzz/run.py: 目標値：… 実績値：… with nothing before them named no KPI (and must not fail)."""
    body = "事業1\t山川ブランド推進事業\n事業期間\t令和3年度～令和5年度\n・ 目標値：5　実績値：6\n"
    project = import_bytes(_doc(body), "a.txt").document.reports[0].projects[0]
    assert project.kpis == [] and project.notes == ["・ 目標値：5　実績値：6"]


def test_a_kpi_header_with_the_years_on_a_second_row() -> None:
    page = """<html><body><h1>令和5年度 山川市 地方創生推進交付金 効果検証</h1><h2>事業① 山川DX事業</h2>
    <table><tr><th rowspan="2">指標</th><th rowspan="2">基準値</th>
    <th colspan="2">目標値</th><th colspan="2">実績値</th></tr>
    <tr><th>R4</th><th>R5</th><th>R4</th><th>R5</th></tr>
    <tr><td>受講者数（人）</td><td>0</td><td>100</td><td>150</td><td>110</td><td>集計中</td></tr></table></body></html>"""
    result = import_bytes(page.encode(), "p.html")
    [kpi] = result.document.reports[0].projects[0].kpis
    assert (kpi.name, kpi.unit) == ("受講者数", "人")
    assert {y: m.text for y, m in kpi.targets.items()} == {2022: "100", 2023: "150"}
    assert {y: m.text for y, m in kpi.actuals.items()} == {2022: "110", 2023: "集計中"}
    assert [f.code for f in result.findings if f.code.startswith("import_")] == [
        "import_period_assumed", "import_no_prefecture"]  # 山川市 is no real body: its prefecture is not known


def test_less_is_better_from_the_kpis_name_or_the_citys_marks() -> None:
    body = ("事業1\t山川子育て支援事業\n事業期間\t令和3年度～令和5年度\n"
            "成果目標\t基準値\t目標値\t実績値\t評価\n"
            "保育所の待機児童数（人）\t12\t0\t2\t×\n"  # less is better by its name
            "ごみの量（トン）\t900\t850\t830\t○\n"  # by the mark: met with less than the target
            "相談件数（件）\t50\t40\t45\t\n"  # a target below the baseline, nothing else to tell
            "プラごみ削減 実施事業者数（社）\t\t10\t12\t\n")
    result = import_bytes(_doc(body), "a.txt")
    kpis = result.document.reports[0].projects[0].kpis
    assert [k.direction.value for k in kpis] == ["lower", "lower", "higher", "higher"]
    unclear = [f for f in result.findings if f.code == "import_direction_unclear"]
    assert [f.where for f in unclear] == ["事業1 成果目標3"] and "相談件数" in unclear[0].message
    judged = [judge_kpi(k, 2022).judgement.value for k in kpis]
    assert judged == ["not_met", "met", "met", "met"]


def test_columns_aligned_with_spaces_but_not_a_title_with_wide_spaces() -> None:
    text = ("令和4年度  山川市  地方創生推進交付金事業  効果検証\n\n事業1  山川ブランド推進事業\n"
            "  担当課      商工課\n  事業費      100万円\n  成果目標            目標値   実績値\n"
            "  ① 新商品数（品）    5        6\n")
    report = import_bytes(text.encode("utf-8"), "a.txt").document.reports[0]
    assert report.title == "令和4年度  山川市  地方創生推進交付金事業  効果検証"
    [project] = report.projects
    assert (project.title, project.departments, project.cost_yen) == ("山川ブランド推進事業", ["商工課"], 1_000_000)
    assert [(k.name, k.unit, k.targets[2022].value, k.actuals[2022].value) for k in project.kpis] == [
        ("新商品数", "品", 5, 6)]


def test_pdf_style_broken_labels_in_html_cells() -> None:
    page = """<html><body><h1>令和4年度 山川市 地方創生推進交付金 効果検証</h1>
    <table><tr><th>事 業 名</th><td>山川ブランド推進事業</td></tr>
    <tr><th>事業<br>期間</th><td>令和４年度～令和５年度</td></tr>
    <tr><th>事 業 費</th><td>１，０００千円</td></tr>
    <tr><th>交付金<br>充当額</th><td>５００千円</td></tr></table></body></html>"""
    report = import_bytes(page.encode(), "p.html").document.reports[0]
    project = report.projects[0]
    assert (project.title, project.start_year, project.end_year) == ("山川ブランド推進事業", 2022, 2023)
    assert (project.cost_yen, project.grant_yen) == (1_000_000, 500_000)
    assert report.municipality.name == "山川市" and report.fiscal_year == 2022


def test_unknown_label_is_kept_and_reported_with_its_line() -> None:
    result = import_bytes(_doc("事業1\t山川ブランド推進事業\n事業期間\t令和4年度～令和5年度\n謎の項目\t123\n"), "a.txt")
    project = result.document.reports[0].projects[0]
    assert project.notes == ["謎の項目：123"]
    unknown = [f for f in result.findings if f.code == "import_unknown_label"]
    assert unknown and unknown[0].where == "5行目"


def test_heading_before_the_first_project_is_reported() -> None:
    body = "# お問い合わせ先\n事業1\t山川ブランド推進事業\n事業期間\t令和4年度～令和5年度\n"
    result = import_bytes(_doc(body), "a.txt")
    unplaced = [f for f in result.findings if f.code == "import_unplaced"]
    assert unplaced and unplaced[0].where == "3行目" and "お問い合わせ先" in unplaced[0].message


def test_check_report_runs_on_the_result() -> None:
    result = import_bytes(_doc("事業1\t山川ブランド推進事業\n事業期間\t令和4年度～令和5年度\n"
                               "事業費\t100万円（うち交付金充当額：60万円）\n"), "a.txt")
    assert any(f.code.startswith("grant") for f in result.findings), result.findings


def test_text_without_a_report_is_refused() -> None:
    with pytest.raises(UnreadableDocumentError, match="事業が見つかりません"):
        import_bytes("本日は晴天なり。\n".encode(), "a.txt")


def test_kpi_named_in_one_row_with_its_figures_in_labelled_rows() -> None:
    page = """<html><body><h1>令和4年度 山川市 地方創生推進交付金 効果検証</h1>
    <h2>事業① 山川ブランド推進事業</h2>
    <table><tr><th>事業期間</th><td>令和4年度～令和5年度</td></tr>
    <tr><th>KPI①</th><td>ブランド認定品数（品）</td></tr>
    <tr><th>基準値（令和3年度）</th><td>12品</td></tr>
    <tr><th>目標値</th><td>20品</td></tr>
    <tr><th>実績値</th><td>23品</td></tr>
    <tr><th>成果目標</th><td>ふるさと納税の寄附件数</td></tr>
    <tr><th>目標値</th><td>3,000件</td></tr>
    <tr><th>実績値</th><td>2,870件（速報値）</td></tr></table></body></html>"""
    project = import_bytes(page.encode(), "p.html").document.reports[0].projects[0]
    first, second = project.kpis
    assert (first.number, first.name, first.unit, first.baseline_year) == (1, "ブランド認定品数", "品", 2021)
    assert first.baseline is not None and first.baseline.value == 12
    assert (first.targets[2022].value, first.actuals[2022].value) == (20, 23)
    assert (second.number, second.name, second.unit) == (2, "ふるさと納税の寄附件数", "件")
    assert second.actuals[2022].value == 2870 and second.actuals[2022].note == "速報値"


NUMBERED_HEADINGS = """令和3年度 地方創生推進交付金事業の効果検証結果（大川町）

# 1 事業名
大川町ふるさと回帰推進プロジェクト

# 2 事業概要
移住相談窓口の設置とお試し住宅の運営により、町外からの移住を促進する。

# 3 交付対象事業に要した経費
事業費 12,346千円（うち交付金 6,173千円）

# 4 事業期間
令和3年度～令和5年度

# 5 重要業績評価指標（KPI）
KPI\t事業開始前\t目標値（令和3年度）\t実績値（令和3年度）
移住者数（人）\t20\t30\t34

# 6 事業の評価
地方創生に相当程度効果があった

# 7 今後の方針
事業の継続

# 8 外部有識者の意見
移住者の定着状況を把握してほしい。
"""


def test_numbered_headings_each_with_its_value_below() -> None:
    result = import_bytes(NUMBERED_HEADINGS.encode("utf-8"), "okawa.txt")
    report = result.document.reports[0]
    assert (report.municipality.name, report.fiscal_year) == ("大川町", 2021)
    project = report.projects[0]
    assert project.title == "大川町ふるさと回帰推進プロジェクト"
    assert (project.cost_label, project.cost_yen, project.grant_yen) == ("事業費", 12_346_000, 6_173_000)
    assert (project.start_year, project.end_year) == (2021, 2023)
    kpi = project.kpis[0]
    assert (kpi.name, kpi.unit, kpi.actuals[2021].value) == ("移住者数", "人", 34)
    assert kpi.baseline is not None and kpi.baseline.value == 20
    assert project.evaluation is not None and project.evaluation.category is EffectLevel.CONSIDERABLE
    assert project.next_direction is not None and project.next_direction.category is NextDirection.CONTINUE
    assert project.reviewer_opinion == ["移住者の定着状況を把握してほしい。"]
    # 大川町 is no real body, so its prefecture is a finding of its own; nothing else is
    assert [f.code for f in result.findings if f.severity.value != "info"] == ["import_no_prefecture"]
