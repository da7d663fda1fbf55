"""PDF made at test time with WeasyPrint: wrapped paragraphs come back joined, tables without rules by their gaps."""

from pathlib import Path

from weasyprint import HTML

from kouka.domain.model import EffectLevel
from kouka.importers import import_path

LONG = ("移住相談会の開催回数を増やしたことにより、首都圏からの相談件数は前年度の約二倍となり、"
        "実際の移住につながった世帯も目標を上回った。一方で、移住後の就業支援については課題が残るため、"
        "次年度は商工団体と連携した就業相談を行う。以上により、本事業は地方創生に相当程度効果があった。")

PAGE = f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>
@page {{ size: A5; margin: 12mm; }} body {{ font-family: "Noto Sans CJK JP", sans-serif; font-size: 9pt; }}
table {{ border-collapse: collapse; }} th, td {{ border: 0.6pt solid #000; padding: 1mm; }}
h1 {{ font-size: 12pt; }}</style></head><body>
<h1>令和5年度 若葉市 地方創生推進交付金 効果検証</h1>
<table><tr><th>事業名</th><td>若葉市移住促進事業</td></tr><tr><th>事業期間</th><td>令和5年度～令和7年度</td></tr>
<tr><th>事業費</th><td>300万円（うち交付金充当額：150万円）</td></tr></table>
<p>まとめ</p>
<p>{LONG}</p>
</body></html>"""


def test_wrapped_paragraph_is_joined(tmp_path: Path) -> None:
    pdf = tmp_path / "wakaba.pdf"
    HTML(string=PAGE).write_pdf(str(pdf))
    result = import_path(pdf)
    report = result.document.reports[0]
    assert (report.municipality.name, report.fiscal_year) == ("若葉市", 2023)
    project = report.projects[0]
    assert (project.title, project.cost_yen, project.grant_yen) == ("若葉市移住促進事業", 3_000_000, 1_500_000)
    # Wrapped lines are joined; a wrap that falls right after 。 cannot be told from a paragraph end,
    # so the text may come back as more than one paragraph, but whole and in order.
    assert "".join(project.verification) == LONG and len(project.verification) <= 2
    assert project.evaluation is not None and project.evaluation.category is EffectLevel.CONSIDERABLE


BORDERLESS = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 15mm; } body { font-family: "Noto Sans CJK JP", sans-serif; font-size: 10pt; }
th, td { padding: 1mm 5mm 1mm 0; text-align: left; font-weight: normal; }</style></head><body>
<h1>令和4年度 西原市 地方創生推進交付金事業の実施状況</h1>
<p>事業1 西原市スマート農業推進事業</p>
<table><tr><th>担当部署</th><td>農政課</td></tr><tr><th>事業期間</th><td>令和2年度～令和4年度</td></tr>
<tr><th>事業概要</th><td>ドローンによる農薬散布の実証を行う。</td></tr>
<tr><th>事業費</th><td>10,500,000円</td></tr><tr><th>交付金充当額</th><td>5,250,000円</td></tr></table>
<table><tr><th>指標名</th><th>基準値</th><th>目標値</th><th>実績値</th></tr>
<tr><td>スマート農機導入経営体数（経営体）</td><td>5</td><td>20</td><td>18</td></tr>
<tr><td>新規就農者数（人）</td><td>3</td><td>8</td><td>9</td></tr></table>
<p>事業の効果　　地方創生に効果があった</p>
</body></html>"""


def test_a_table_without_rules_is_read_by_the_gaps_between_its_columns(tmp_path: Path) -> None:
    pdf = tmp_path / "nishihara.pdf"
    HTML(string=BORDERLESS).write_pdf(str(pdf))
    result = import_path(pdf)
    project = result.document.reports[0].projects[0]
    assert (project.title, project.departments, project.start_year, project.end_year) == (
        "西原市スマート農業推進事業", ["農政課"], 2020, 2022)
    assert project.summary == ["ドローンによる農薬散布の実証を行う。"]
    assert (project.cost_yen, project.grant_yen) == (10_500_000, 5_250_000)
    assert [(k.name, k.unit, k.targets[2022].value, k.actuals[2022].value) for k in project.kpis] == [
        ("スマート農機導入経営体数", "経営体", 20, 18), ("新規就農者数", "人", 8, 9)]
    assert project.evaluation is not None and project.evaluation.category is EffectLevel.EFFECTIVE
