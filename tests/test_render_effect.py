"""Issue 17.3: 「事業の効果」 shows the national four-level scale and the city's reason, not the まとめ again."""

import copy
import re
import subprocess
from pathlib import Path

import pytest

from importer_support import FIXTURES
from kouka import interchange
from kouka.domain.model import EFFECT_LABELS, Categorised, EffectLevel, Report
from kouka.importers import import_bytes
from kouka.render.html import render_fragment, render_page
from kouka.render.pdf import render_pdf
from render_support import EXAMPLE, example_report, squeezed


def effect_block(html: str, number: int) -> str:
    """The HTML of project ``number``'s 事業の効果, up to the next heading of its level or above."""
    start = html.index(f'id="kouka-p{number}-effect"')
    end = re.search(r"<h[23] ", html[start:])
    return html[start: start + end.start()] if end else html[start:]


def with_own_reason() -> Report:
    """事業② with a reason of its own (the city wrote it in the effect field, not in the まとめ)."""
    report = copy.deepcopy(example_report())
    report.projects[1].evaluation = Categorised(
        EffectLevel.CONSIDERABLE, "展示会での新規契約が10件に達し、地方創生に相当程度効果があった。")
    return report


@pytest.mark.parametrize("render", [render_page, render_fragment], ids=["page", "fragment"])
def test_the_block_draws_the_scale_and_points_to_the_matome_instead_of_repeating_it(render: object) -> None:
    report = example_report()
    html = render(report)  # type: ignore[operator]
    for project in report.projects[:2]:
        last = project.verification[-1]
        assert last == project.evaluation.text  # type: ignore[union-attr]  # the example's reason is the まとめ's
        block = effect_block(html, project.number)
        assert last not in block and html.count(last) == 1
        assert 'aria-label="国の4段階評価：地方創生に効果があった（4段階のうち上から3番目）"' in block
        assert all(label in block for label in EFFECT_LABELS.values())  # the whole scale, one level marked
        assert block.count("本事業") == 1
        assert f'href="#kouka-p{project.number}-verification">まとめ（検証結果）</a>のとおりです' in block
    assert 'id="kouka-p3-effect"' not in html  # 事業③ has no evaluation: no block


def test_a_reason_of_its_own_is_shown_under_the_scale() -> None:
    report = with_own_reason()
    block = effect_block(render_page(report), 2)
    assert "<p>展示会での新規契約が10件に達し、地方創生に相当程度効果があった。</p>" in block
    assert "（4段階のうち上から2番目）" in block and "まとめ（検証結果）</a>" not in block
    assert report.projects[1].verification[-1] not in block


def test_the_pdf_says_the_matome_once_and_draws_the_scale_as_text(tmp_path: Path) -> None:
    path = tmp_path / "effect.pdf"
    path.write_bytes(render_pdf(with_own_reason()))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    report = example_report()
    for project in report.projects[:2]:
        assert squeezed(text).count(squeezed(project.verification[-1])) == 1
    assert squeezed("展示会での新規契約が10件に達し、地方創生に相当程度効果があった。") in squeezed(text)
    assert squeezed(text).count("←本事業") == 2  # the scale's marker, drawn as text the reader can search
    assert squeezed("③ 地方創生に効果があった") in squeezed(text)
    assert squeezed("評価の理由はまとめ（検証結果）のとおりです") in squeezed(text)


@pytest.mark.parametrize("source", [EXAMPLE, *sorted(FIXTURES.glob("*.expected.json"))], ids=lambda p: p.stem)
def test_the_evaluation_survives_the_page_and_import(source: Path) -> None:
    """The scale is a drawing the importer passes over: the evaluation read back from kouka's page is the
    one rendered (from the block's own reason, or from the まとめ it points to)."""
    report = interchange.load(source).reports[0]
    back = import_bytes(render_page(report).encode("utf-8"), "page.html").document.reports[0]
    assert [p.evaluation for p in back.projects] == [p.evaluation for p in report.projects]
