"""The PDF: A4, Japanese text that pdftotext reads back with every figure, page numbers, escaped text."""

import re
import subprocess
from pathlib import Path

import pytest

from kouka.render.pdf import render_pdf
from render_support import SCRIPT, SEED_MONEY, SEED_VALUES, example_report, hostile_report, squeezed


def pdf_text(data: bytes, tmp_path: Path, layout: bool = False) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_info(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return render_pdf(example_report())


def test_pdf_is_a4_with_japanese_fonts(seed_pdf: bytes, tmp_path: Path) -> None:
    info = pdf_info(seed_pdf, tmp_path)
    assert info["Page size"].startswith("595.") and "841.8" in info["Page size"]  # A4 in points
    fonts = subprocess.run(["pdffonts", "-"], input=seed_pdf, capture_output=True, check=False).stdout.decode()
    assert "CJK" in fonts or "Noto" in fonts


def test_pdf_text_has_every_figure_as_the_seed_writes_it(seed_pdf: bytes, tmp_path: Path) -> None:
    text = squeezed(pdf_text(seed_pdf, tmp_path))
    for figure in (*SEED_MONEY, *SEED_VALUES):
        assert squeezed(figure) in text, figure
    assert "まとめ（検証結果）" in text and "未達成" in text and "判定対象外" in text


def test_pdf_numbers_its_pages(seed_pdf: bytes, tmp_path: Path) -> None:
    pages = int(pdf_info(seed_pdf, tmp_path)["Pages"])
    text = pdf_text(seed_pdf, tmp_path, layout=True)
    numbers = re.findall(rf"^\s*(\d+)\s*/\s*{pages}\s*$", text, flags=re.MULTILINE)
    assert [int(n) for n in numbers] == list(range(1, pages + 1))


def test_pdf_shows_script_as_text(tmp_path: Path) -> None:
    text = squeezed(pdf_text(render_pdf(hostile_report()), tmp_path))
    assert squeezed(SCRIPT) in text


# -- accessibility (issue 17.5): veraPDF is in none of our registries (PyPI, Debian, npm), so poppler and
# pdfium read back what PDF/UA asks for: tags, title, language, bookmarks, text that can be searched.

def pdf_language(data: bytes) -> str:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    size = raw.FPDFCatalog_GetLanguage(document.raw, None, 0)
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFCatalog_GetLanguage(document.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def pdf_pages_text(data: bytes, tmp_path: Path) -> list[str]:
    return pdf_text(data, tmp_path).split("\f")


def test_pdf_is_tagged_pdf_ua_with_title_and_language(seed_pdf: bytes, tmp_path: Path) -> None:
    from kouka.render.html import report_heading

    info = pdf_info(seed_pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == report_heading(example_report()) == "伊勢崎市 令和4年度 地方創生推進交付金事業の効果検証"
    assert pdf_language(seed_pdf) == "ja"
    path = tmp_path / "meta.pdf"
    path.write_bytes(seed_pdf)
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], check=True, capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta and "<dc:title>" in meta


def test_pdf_structure_has_headings_tables_with_headers_and_figures(seed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "struct.pdf"
    path.write_bytes(seed_pdf)
    # -struct, not -struct-text: poppler 22 takes over half a minute to add the text
    structure = subprocess.run(["pdfinfo", "-struct", str(path)], check=True, capture_output=True, text=True).stdout
    tags = re.findall(r"^\s*([A-Za-z0-9]+)\b", structure, flags=re.MULTILINE)
    report = example_report()
    kpis = sum(len(p.kpis) for p in report.projects)
    assert tags.count("H1") == 1 and tags.count("H2") == 1 + len(report.projects)
    assert tags.count("Table") == 1 + kpis  # the summary, and one per KPI on paper
    assert tags.count("TH") >= 4 * kpis and "/Headers" in structure  # data cells point to their headers
    scales = sum(1 for p in report.projects if p.evaluation is not None and p.evaluation.category is not None)
    assert tags.count("Figure") == kpis + scales  # every chart is a figure (its <title> is its alternative text)
    assert tags.count("Caption") == (1 + kpis) + (kpis + scales)  # every table's and every figure's


def test_pdf_bookmarks_each_project_at_its_page(seed_pdf: bytes, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from kouka.render.html import project_heading

    report = example_report()
    pages = pdf_pages_text(seed_pdf, tmp_path)
    marks = [(b.level, b.get_title(), b.get_dest().get_index()) for b in pdfium.PdfDocument(seed_pdf).get_toc()]
    top = [(title, page) for level, title, page in marks if level == 0]
    assert [title for title, _ in top] == ["地方創生推進交付金について", *map(project_heading, report.projects)]
    for title, page in top:
        assert squeezed(title) in squeezed(pages[page]), title
    sections = [title for level, title, _ in marks if level == 1]
    assert sections.count("成果目標") == len(report.projects) and "まとめ（検証結果）" in sections


def test_pdf_text_has_every_kpi_name_unbroken_on_one_line(seed_pdf: bytes, tmp_path: Path) -> None:
    from kouka.render.charts import kpi_title

    lines = {line.strip() for line in pdf_text(seed_pdf, tmp_path).replace("\f", "\n").splitlines()}
    report = example_report()
    for project in report.projects:
        for kpi in project.kpis:
            assert kpi_title(kpi) in lines, kpi_title(kpi)  # e.g. 成果目標③ まちなかにおける…来場者数（人）
