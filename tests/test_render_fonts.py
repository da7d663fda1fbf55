"""Issue 17.1: no Japanese font, no PDF of empty boxes; the check reads fontconfig as WeasyPrint does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kouka.render.fonts import FONT_PACKAGE, MissingJapaneseFontError, japanese_font_families, require_japanese_font

NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def fontconfig_with(tmp_path: Path, *font_dirs: Path) -> Path:
    """A fontconfig configuration that knows only ``font_dirs`` (none: no font at all)."""
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    config = tmp_path / f"fonts-{len(font_dirs)}.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                      f"<fontconfig>{dirs}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    return config


def test_the_machines_noto_cjk_is_found() -> None:
    assert "Noto Sans CJK JP" in japanese_font_families()
    require_japanese_font()


@pytest.mark.parametrize("font_dirs", [(), (DEJAVU,)], ids=["no-fonts", "dejavu-only"])
def test_without_a_japanese_font_the_check_refuses_and_says_how_to_install_one(
        font_dirs: tuple[Path, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(fontconfig_with(tmp_path, *font_dirs)))
    assert japanese_font_families() == []
    with pytest.raises(MissingJapaneseFontError) as raised:
        require_japanese_font()
    assert "日本語" in str(raised.value) and f"apt-get install {FONT_PACKAGE}" in str(raised.value)


def test_a_configuration_with_only_noto_cjk_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(fontconfig_with(tmp_path, NOTO_CJK)))
    assert "Noto Sans CJK JP" in japanese_font_families()
    assert not any("DejaVu" in family for family in japanese_font_families())


def _report_pdf(example_path: Path, out: Path, config: Path) -> subprocess.CompletedProcess[str]:
    kouka = Path(sys.executable).with_name("kouka")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    return subprocess.run([str(kouka), "report", str(example_path), "-f", "pdf", "-o", str(out)],
                          env=env, capture_output=True, text=True, check=False)


def test_kouka_report_pdf_refuses_on_a_machine_with_only_dejavu(example_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "isesaki.pdf"
    result = _report_pdf(example_path, out, fontconfig_with(tmp_path, DEJAVU))
    assert result.returncode == 2, result.stderr
    assert "日本語を表示できるフォントが見つからない" in result.stderr and FONT_PACKAGE in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert not out.exists() and list(tmp_path.glob("*.pdf")) == []


def test_kouka_report_pdf_embeds_noto_cjk_when_it_is_the_only_font(example_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "isesaki.pdf"
    result = _report_pdf(example_path, out, fontconfig_with(tmp_path, NOTO_CJK))
    assert result.returncode == 0, result.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts and "DejaVu" not in fonts
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "伊勢崎市" in text


ROOT = Path(__file__).resolve().parent.parent


def test_readme_first_command_checks_the_font_and_says_how_to_install_it(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "check-fonts"
    assert "bash scripts/check-fonts" in (ROOT / "scripts" / "demo").read_text(encoding="utf-8")
    found = subprocess.run(["/bin/bash", str(script)], capture_output=True, text=True, check=True)
    assert "日本語フォント: あり" in found.stdout
    # no font, and no apt-get to install one with (PATH leads nowhere): it says how, and the demo goes on
    env = {"FONTCONFIG_FILE": str(fontconfig_with(tmp_path, DEJAVU)), "PATH": str(tmp_path / "nothing")}
    missing = subprocess.run(["/bin/bash", str(script)], env=env, capture_output=True, text=True, check=False)
    assert missing.returncode == 0, missing.stderr
    assert "PDFは作成できません" in missing.stderr and "apt-get install fonts-noto-cjk" in missing.stderr
