"""The importer on real documents: the seed equals the hand-made example; thirteen other layouts equal their JSON."""

from pathlib import Path

import pytest

from importer_support import FIXTURES, assert_document_equals, build_national_form, build_pdf
from kouka.domain.checks import Severity
from kouka.importers import import_bytes, import_path


def test_seed_text_equals_the_example(seed_path: Path, example_path: Path) -> None:
    result = import_path(seed_path)
    assert result.format == "text"
    assert_document_equals(result.document, example_path)
    assert [f for f in result.findings if f.severity is not Severity.INFO] == []


TEXT_AND_HTML = [
    "hanasato-2021.html",  # CMS page: chrome, rowspan KPI label, colspan values, numbered headings
    "higashiura-2020-senen.txt",  # 千円 overview table, then details per project (No.1 …)
    "nishikawa-2019-sjis.txt",  # Shift_JIS, label：value lines, 【課】 and （…より継続） after titles
    "miyahama-2022-marks.html",  # per-KPI ◎○△ and 評価なし, 目標年月 R5.3, 事業始期/事業終期, 実績額/国費充当額
    "aoba-2021-flattened.txt",  # every cell on its own line
    "kochi-pref-2022-multi.html",  # a prefecture's page, (1) numbering, 代表団体/連携自治体
    "midorikawa-2023-numbered.txt",  # projects numbered as list items (1 名称), lists in 事業概要 and まとめ
    "hokutodai-2022-one-table.html",  # every project in one table, KPI rows under rowspans, 評価 = the effect scale
    "minamikawa-2023-year-matrix.html",  # KPI tables with a column per year and a row per 目標値 / 実績値
    "yamazato-2021-bracket-labels.txt",  # 【label】value lines, each KPI on one line (目標値：… 実績値：…)
    "higashiyama-2022-spaced.txt",  # columns aligned with spaces (copied from a PDF), a value wrapped onto a line
]


@pytest.mark.parametrize("name", TEXT_AND_HTML)
def test_fixture_imports_exactly(name: str) -> None:
    source = FIXTURES / name
    result = import_path(source)
    assert_document_equals(result.document, FIXTURES / (source.stem + ".expected.json"))
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


def test_national_form_workbook_imports_exactly(tmp_path: Path) -> None:
    workbook = build_national_form(tmp_path / "kitamine-2023-national-form.xlsx")
    result = import_path(workbook)
    assert result.format == "xlsx"
    assert_document_equals(result.document, FIXTURES / "kitamine-2023-national-form.expected.json")


def test_pdf_made_from_an_html_table_imports_exactly(tmp_path: Path) -> None:
    pdf = build_pdf(tmp_path / "minamisawa-2022.pdf")
    result = import_bytes(pdf.read_bytes(), "report.bin")  # detected by content, not by name
    assert result.format == "pdf"
    assert_document_equals(result.document, FIXTURES / "minamisawa-2022-pdf.expected.json")


def test_shift_jis_fixture_is_really_shift_jis() -> None:
    data = (FIXTURES / "nishikawa-2019-sjis.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert import_bytes(data, "x.txt").encoding == "cp932"


def test_seed_in_every_encoding_imports_the_same(seed_path: Path, example_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    for data in [text.encode("utf-8-sig"), text.encode("utf-8"), text.encode("cp932"),
                 text.encode("euc_jis_2004")]:  # plain EUC-JP has no ①; EUC-JIS-2004 does
        assert_document_equals(import_bytes(data, "seed.txt").document, example_path)


def test_euc_jp_is_detected() -> None:
    text = (FIXTURES / "nishikawa-2019-sjis.txt").read_bytes().decode("cp932")
    result = import_bytes(text.replace("\uff5e", "\u301c").encode("euc_jp"), "x.txt")  # EUC-JP writes ～ as 〜
    assert result.encoding == "euc_jp"
    assert_document_equals(result.document, FIXTURES / "nishikawa-2019-sjis.expected.json")


def test_seed_with_windows_line_ends_and_fullwidth_labels(seed_path: Path, example_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("担当課\t", "担 当 課\t").replace("事業期間\t", "事業\u3000期間\t").replace("\n", "\r\n")
    assert_document_equals(import_bytes(text.encode("utf-8"), "seed.txt").document, example_path)
