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
