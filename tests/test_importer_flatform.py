"""The national form as PDFs flatten it, partial results and supplied facts: twelve documents written for these
tests (one per shape), each with its expected JSON and findings; the same without their year line; a noisy corpus
and a property over ``kouka import``: a schema-valid document or a documented refusal, never an exception's name."""

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flatform_corpus import write_corpus
from importer_support import FIXTURES, assert_document_equals
from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.domain.gate import publication_findings
from kouka.importers import UnreadableDocumentError, import_bytes, import_path
from kouka.importers.partial import Supplied

for _module in COMMAND_MODULES:
    __import__(_module)

runner = CliRunner()

FLAT = [
    "sakuragi-2022-cell-lines.txt",  # one cell per line, a column's values after its header, no 交付金 column
    "kawabe-2021-split-headers.txt",  # headers split mid-word (事業の評 / 価, 交付対象事業の / 名称), 円
    "tsukimino-2023-one-line.txt",  # each project on one long line, values and units run together (3件, 200万円)
    "hoshizaki-2020-amount-block.txt",  # amounts in a block after the rows, matched by order and count
    "minato-2022-legends.txt",  # legends of both scales; ① and 3 for the effect, 3 and 2 for the direction
    "aokubo-2019-era-abbrev.txt",  # 目標年月 R2.3 and H32.3, - for not applicable
    "nagisa-2022-ambiguous.txt",  # two amounts for three projects: kept in a finding, not guessed
    "yanagi-2021-yen.txt",  # 円 amounts, three KPIs on one line, the reviewer's opinion and the reason
    "kirigaoka-2023-no-year.txt",  # no fiscal year anywhere: a draft with a finding
    "sasayama-2022-noise.txt",  # page numbers and a ※ remark among the cells
    "hanamizuki-2020-two-kpis.txt",  # two KPI columns per project in the cell-per-line shape
    "kuroiwa-2022-fullwidth.txt",  # full-width digits and colons
]
WITH_YEAR = [name for name in FLAT if "no-year" not in name]
# What a refusal may say (the importer's documented messages): a person reads these, never a Python error.
REFUSALS = (
    "空のファイル",
    "効果検証の事業が見つかりません",
    "として読めません",
    "読み込めません",
    "ファイルが大きすぎます",
    "読み取った内容",
    "埋め込みデータ",
    "形式",
    "取り込むファイルがありません",
    "テキストではありません",
    "PDFに文字がありません",
)
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|Traceback|invalid literal")


def findings_of(name: str) -> list[dict[str, str]]:
    result = import_path(FIXTURES / name)
    return [{"severity": f.severity.value, "code": f.code, "where": f.where} for f in result.findings]


@pytest.mark.parametrize("name", FLAT)
def test_flattened_form_imports_as_expected_with_its_findings(name: str) -> None:
    source = FIXTURES / name
    assert_document_equals(import_path(source).document, FIXTURES / (source.stem + ".expected.json"))
    assert findings_of(name) == json.loads(
        (FIXTURES / (source.stem + ".findings.json")).read_text(encoding="utf-8")
    )


def without_year_line(text: str) -> str:
    """The document with its 対象年度 line (and the value line under a label on its own) removed."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "対象年度" in line)
    count = 2 if lines[at].strip() == "対象年度" else 1
    return "\n".join(lines[:at] + lines[at + count :]) + "\n"


@pytest.mark.parametrize("name", WITH_YEAR)
def test_without_its_year_line_a_draft_with_a_finding_and_with_year_the_expected_document(
    name: str, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_text(without_year_line((FIXTURES / name).read_text(encoding="utf-8")), encoding="utf-8")
    result = import_path(source)
    assert result.document.reports[0].draft and result.document.reports[0].fiscal_year == 0
    assert "import_no_fiscal_year" in {f.code for f in result.findings}
    expected = json.loads((FIXTURES / (Path(name).stem + ".expected.json")).read_text(encoding="utf-8"))
    year = expected["reports"][0]["fiscal_year"]
    era = f"令和{year - 2018}年度" if year >= 2019 else f"平成{year - 1988}年度"
    run = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out"), "--year", era])
    assert run.exit_code in (0, 1), run.output
    assert_document_equals(
        interchange.load(tmp_path / "out" / (source.stem + ".json")),
        FIXTURES / (Path(name).stem + ".expected.json"),
    )


def test_a_draft_without_its_year_cannot_be_published_until_the_year_is_given() -> None:
    draft = import_path(FIXTURES / "kirigaoka-2023-no-year.txt").document.reports[0]
    assert draft.draft and draft.projects[0].kpis[0].notes == ["目標値: 2,500人", "実績値: 2,740人"]
    codes = {(f.severity.value, f.code) for f in publication_findings(draft)}
    assert ("error", "fiscal_year_missing") in codes and ("error", "period_missing") in codes
    given_year = import_path(
        FIXTURES / "kirigaoka-2023-no-year.txt", supplied=Supplied(2023)
    ).document.reports[0]
    assert not given_year.draft and given_year.projects[0].kpis[0].targets[2023].text == "2,500人"
    assert "fiscal_year_missing" not in {f.code for f in publication_findings(given_year)}


def test_kouka_check_refuses_the_draft_json(tmp_path: Path) -> None:
    run = runner.invoke(app, ["import", str(FIXTURES / "kirigaoka-2023-no-year.txt"), "-o", str(tmp_path)])
    assert run.exit_code == 0, run.output
    data = json.loads((tmp_path / "kirigaoka-2023-no-year.json").read_text(encoding="utf-8"))
    assert data["reports"][0]["draft"] is True and data["reports"][0]["fiscal_year"] is None
    del data["reports"][0]["draft"]  # without the draft marker the same file is no valid document
    with pytest.raises(interchange.InterchangeError):
        interchange.validate(data)
    check = runner.invoke(app, ["check", str(tmp_path / "kirigaoka-2023-no-year.json")])
    assert check.exit_code == 1 and "報告の年度がありません" in check.output, check.output


def test_municipality_and_prefecture_options_fill_what_the_document_leaves_out(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "nagisa-2022-ambiguous.txt")
        .read_text(encoding="utf-8")
        .replace("団体名 千葉県渚市\n", "")
    )
    source = tmp_path / "nameless.txt"
    source.write_text(text, encoding="utf-8")
    assert "import_no_municipality" in {f.code for f in import_path(source).findings}
    run = runner.invoke(app, ["import", str(source), "--municipality", "伊勢崎市"])
    report = interchange.load(tmp_path / "nameless.json").reports[0]
    assert (report.municipality.name, report.municipality.prefecture, report.municipality.code) == (
        "伊勢崎市",
        "群馬県",
        "102041",
    ), run.output
    run = runner.invoke(app, ["import", str(source), "--municipality", "渚市", "--prefecture", "千葉県"])
    report = interchange.load(tmp_path / "nameless.json").reports[0]
    assert (report.municipality.name, report.municipality.prefecture) == ("渚市", "千葉県")
    bad = runner.invoke(app, ["import", str(source), "--year", "そのうち"])
    assert bad.exit_code == 2 and "対象年度「そのうち」を読み取れません" in bad.output


def test_one_line_summary_per_document(tmp_path: Path) -> None:
    for name in ("hoshizaki-2020-amount-block.txt", "nagisa-2022-ambiguous.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    run = runner.invoke(app, ["import", str(tmp_path)])
    lines = run.output.splitlines()
    assert "hoshizaki-2020-amount-block.txt: 事業3件、成果目標3件、金額6件、指摘0件（エラー0件）" in lines, (
        run.output
    )
    assert "nagisa-2022-ambiguous.txt: 事業3件、成果目標3件、金額0件、指摘7件（エラー0件）" in lines, (
        run.output
    )


def test_every_value_keeps_the_line_it_came_from() -> None:
    sources = import_path(FIXTURES / "sakuragi-2022-cell-lines.txt").sources
    assert sources["$.reports[0].projects[1].cost_yen"] == "14行目"
    assert sources["$.reports[0].projects[0].kpis[0].actuals"] == "26行目"
    assert sources["$.reports[0].projects[1].next_direction"] == "33行目"
    one_line = import_path(FIXTURES / "tsukimino-2023-one-line.txt").sources
    assert one_line["$.reports[0].projects[1].grant_yen"] == "5行目"


def _sound_or_refused(data: bytes, name: str) -> None:
    try:
        result = import_bytes(data, name)
    except UnreadableDocumentError as exc:
        assert any(words in str(exc) for words in REFUSALS), str(exc)
        assert not EXCEPTION_NAME.search(str(exc)), str(exc)
        return
    interchange.validate(interchange.to_json(result.document))
    for finding in result.findings:
        assert not EXCEPTION_NAME.search(finding.message), finding.message


def test_a_noisy_corpus_of_flattened_forms_imports_or_is_refused_in_words(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus", 300)
    for path in paths:
        _sound_or_refused(path.read_bytes(), path.name)


def test_the_fuzzer_s_flattened_form_corpus_is_the_one_the_tests_write(tmp_path: Path) -> None:
    committed = Path(__file__).resolve().parent.parent / "fuzz" / "corpus" / "flatform"
    written = write_corpus(tmp_path / "corpus", 40)
    assert [p.read_bytes() for p in written] == [(committed / p.name).read_bytes() for p in written]


VOCABULARY = [
    "交付対象事業の名称",
    "交付金の種類",
    "事業費（千円）",
    "交付金充当額",
    "指標①",
    "指標②",
    "目標値",
    "実績値",
    "目標年月",
    "単位",
    "事業の評",
    "価",
    "事業の効果",
    "今後の方針",
    "今後の方針の理由",
    "外部有識者の意見",
    "対象年度",
    "令和4年度",
    "団体名",
    "群馬県伊勢崎市",
    "H28.3",
    "R4",
    "-",
    "―",
    "①",
    "②",
    "3",
    "12,000",
    "7,946人",
    "200万円",
    "3件",
    "地方創生に効果があった",
    "事業の継続",
    "※注",
    "- 1 -",
    "\u3000",
    "\t",
    "：",
    "①地方創生に非常に効果的であった ②地方創生に相当程度効果があった",
    "まちなか事業",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    lines=st.lists(
        st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=6), min_size=1, max_size=6).map(" ".join),
        max_size=30,
    )
)
def test_kouka_import_writes_a_valid_document_or_refuses_in_words(lines: list[str], tmp_path: Path) -> None:
    source = tmp_path / "any.txt"
    source.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    output = tmp_path / "any.json"
    output.unlink(missing_ok=True)
    run = runner.invoke(app, ["import", str(source), "--json"])
    assert not EXCEPTION_NAME.search(run.output), run.output
    if run.exit_code == 2:
        assert any(words in run.output for words in REFUSALS), run.output
        assert not output.exists()
    else:
        assert run.exit_code in (0, 1), run.output
        interchange.validate(json.loads(output.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "path", "place"),
    [
        ("hanasato-2021.html", "$.reports[0].projects[0].cost_yen", "表1 4行1列"),
        ("hanasato-2021.html", "$.reports[0].projects[0].kpis[0].baseline", "表2 2行4列"),
        ("aoba-2021-flattened.txt", "$.reports[0].projects[0].title", None),
    ],
)
def test_the_other_layouts_keep_the_place_of_each_value(name: str, path: str, place: str | None) -> None:
    sources = import_path(FIXTURES / name).sources
    assert len(sources) >= 5
    if place is not None:
        assert sources[path] == place
    else:
        assert sources[path].endswith("行目")


EARLIER = {  # the earlier fixtures: each states its year in its title (or 本市では…), not on a line of its own
    "hanasato-2021.html": "utf-8",
    "higashiura-2020-senen.txt": "utf-8",
    "nishikawa-2019-sjis.txt": "cp932",
    "miyahama-2022-marks.html": "utf-8",
    "aoba-2021-flattened.txt": "utf-8",
    "kochi-pref-2022-multi.html": "utf-8",
    "midorikawa-2023-numbered.txt": "utf-8",
    "hokutodai-2022-one-table.html": "utf-8",
    "minamikawa-2023-year-matrix.html": "utf-8",
}  # yamazato and higashiyama state the year once more in their text: without the title they still say it
# What those lines also said (the title, an opening sentence, the body named in the title) goes with them.
WITH_THE_YEAR_LINE = (
    "$.reports[0].title",
    "$.reports[0].introduction",
    "$.reports[0].municipality",
    "$.reports[0].draft",
)


@pytest.mark.parametrize("name", sorted(EARLIER))
def test_earlier_fixtures_without_the_lines_stating_the_year_import_with_a_finding(name: str) -> None:
    from importer_support import json_diff

    want = json.loads((FIXTURES / (Path(name).stem + ".expected.json")).read_text(encoding="utf-8"))
    year = want["reports"][0]["fiscal_year"]
    era = {2019: "令和元年度"}.get(
        year, f"令和{year - 2018}年度" if year >= 2019 else f"平成{year - 1988}年度"
    )
    lines = (FIXTURES / name).read_bytes().decode(EARLIER[name]).splitlines()
    stating = [
        line
        for line in lines
        if era in line
        and re.search("効果|検証|交付金|対象年度|本市|年度に", line)
        and "\t" not in line
        and "目標" not in line
        and "実績" not in line
    ]
    assert stating, "the fixture states its year"
    data = "\n".join(line for line in lines if line not in stating).encode(EARLIER[name])
    without = import_bytes(data, name)
    assert {f.code for f in without.findings} & {"import_no_fiscal_year", "import_fiscal_year_inferred"}
    given_year = import_bytes(data, name, supplied=Supplied(year))
    got = json.loads(interchange.dumps(given_year.document))
    differences = [d for d in json_diff(got, want) if not d.startswith(WITH_THE_YEAR_LINE)]
    assert differences == []


@pytest.mark.parametrize("name", ["hoshizaki-2020-amount-block.txt", "kawabe-2021-split-headers.txt"])
def test_a_pdf_of_the_form_reads_as_its_text_does_with_pages_as_places(name: str) -> None:
    """A real PDF (made with WeasyPrint from the fixture's lines) goes through the PDF reader, then the same
    recogniser: the same document, each value placed on its page."""
    from html import escape

    from weasyprint import HTML

    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    page = "<html><body>" + "".join(f"<p style='margin:0'>{escape(line)}</p>" for line in lines) + "</body></html>"
    result = import_bytes(HTML(string=page).write_pdf(), "form.pdf")
    assert result.format == "pdf"
    assert_document_equals(result.document, FIXTURES / (Path(name).stem + ".expected.json"))
    # placed on its page and line: the text's line, or later where long lines before it wrapped on the page
    placed = re.fullmatch(r"1ページ (\d+)行目", result.sources["$.reports[0].projects[0].cost_yen"])
    as_text = import_bytes((FIXTURES / name).read_bytes(), name).sources["$.reports[0].projects[0].cost_yen"]
    assert placed is not None and int(placed.group(1)) >= int(as_text.removesuffix("行目"))
