"""Property tests (hypothesis) for every importer: whatever bytes arrive as text, HTML, Excel or PDF, the answer is
a whole, schema-valid report or kouka's documented error with a message naming the file. Nothing else.

The inputs are drawn by hypothesis: arbitrary bytes, lines of the vocabulary reports use, and edits (cuts,
insertions, overwrites, swapped lines) of real documents: the seed, the fixtures, and kouka's own workbook and
PDF of the Isesaki example. Shrinking gives the smallest input that breaks a property.
"""

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importer_support import FIXTURES, build_national_form
from kouka import interchange
from kouka.importers import ImportResult, UnreadableDocumentError, import_bytes
from kouka.importers.api import MAX_DOCUMENT_BYTES
from paths import EXAMPLE, SEED

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # a message for people, in Japanese (English via gettext)

LABEL = "hostile-input"
FORMATS = ("text", "html", "xlsx", "pdf")
# The words and marks of effect-verification reports, so that random lines reach deep into the assembler.
VOCABULARY = ["事業①", "事業②", "成果目標", "（単位：千円）", "令和4年度", "令和3年度実績", "令和元年", "～", "担当課",
              "商工課", "事業期間", "事業概要", "事業費", "交付金充当額", "1,472万7,544円", "万円", "億円", "社", "人",
              "%", "（事業開始前）", "県において集計中", "(速報値)", "まとめ（検証結果）", "達成", "◎", "○", "△", "×",
              "地方創生に非常に効果的であった", "事業の継続", "広域連携事業", "連携自治体", "伊勢崎市", "本市では、",
              "△12", "一千四百七十二万", "１２３", "H28.3", "#### ", "-----", "\t", "<p>", "</p>", "\u3000", "\ufffd"]


def _assert_sound(outcome: ImportResult) -> None:
    """An import is a whole report that kouka's own schema accepts and that reads back unchanged."""
    data = interchange.to_json(outcome.document)
    interchange.validate(data)
    again = interchange.loads(interchange.dumps(outcome.document))
    assert interchange.to_json(again) == data
    report = outcome.document.reports[0]
    assert report.projects
    # a year the document does not say leaves an imported draft with a finding, not a refusal
    assert report.fiscal_year > 0 or (report.draft and "import_no_fiscal_year" in {f.code for f in outcome.findings})


def import_or_refuse(data: bytes, fmt: str, suffix: str = ".txt") -> ImportResult | None:
    try:
        outcome = import_bytes(data, LABEL + suffix, fmt)
    except UnreadableDocumentError as error:
        message = str(error)
        assert message.startswith(LABEL) or message.startswith("形式"), message
        assert JAPANESE.search(message) and " / " not in message and "Traceback" not in message, message
        return None
    _assert_sound(outcome)
    return outcome


@functools.cache
def seeds(fmt: str) -> tuple[bytes, ...]:
    """Real documents each importer reads: the seed, the fixtures, kouka's renderings of the example."""
    from kouka.render.html import render_page
    from kouka.render.pdf import render_pdf
    from kouka.render.xlsx import render_xlsx

    report = interchange.load(EXAMPLE).reports[0]
    if fmt == "text":
        found = [SEED.read_bytes()]
        return tuple(found + [p.read_bytes() for p in sorted(FIXTURES.glob("*.txt"))])
    if fmt == "html":
        return (render_page(report).encode(), *[p.read_bytes() for p in sorted(FIXTURES.glob("*.html"))])
    if fmt == "xlsx":
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            national = build_national_form(Path(folder) / "national.xlsx").read_bytes()
        return (render_xlsx(report), national)
    return (render_pdf(report),)


@st.composite
def edited(draw: st.DrawFn, fmt: str) -> bytes:
    """A real document with a few edits drawn by hypothesis."""
    out = bytearray(draw(st.sampled_from(seeds(fmt))))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(out)))
        kind = draw(st.sampled_from(["cut", "insert", "overwrite", "truncate", "swap"]))
        if kind == "cut":
            del out[at:at + draw(st.integers(1, 2000))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64) | st.sampled_from(VOCABULARY).map(str.encode))
        elif kind == "overwrite":
            patch = draw(st.binary(min_size=1, max_size=64))
            out[at:at + len(patch)] = patch
        elif kind == "truncate":
            del out[at:]
        else:
            lines = bytes(out).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            out = bytearray(b"\n".join(lines))
    return bytes(out)


report_lines = st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6).map("".join),
                        min_size=1, max_size=60).map("\n".join)

QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", FORMATS)
@QUICK
@given(data=st.binary(max_size=3000))
def test_any_bytes_are_imported_soundly_or_refused(fmt: str, data: bytes) -> None:
    import_or_refuse(data, fmt)


@pytest.mark.parametrize("fmt", ["text", "html"])
@QUICK
@given(text=report_lines, encoding=st.sampled_from(["utf-8", "cp932", "euc-jp", "utf-16"]))
def test_lines_of_report_vocabulary_in_any_encoding(fmt: str, text: str, encoding: str) -> None:
    body = text if fmt == "text" else "<table>" + "".join(
        f"<tr><td>{'</td><td>'.join(line.split(chr(9)))}</td></tr>" for line in text.split("\n")) + "</table>"
    import_or_refuse(body.encode(encoding, errors="replace"), fmt, ".html" if fmt == "html" else ".txt")


@pytest.mark.parametrize("fmt", ["text", "html"])
@QUICK
@given(data=st.data())
def test_edited_text_and_html_documents(fmt: str, data: st.DataObject) -> None:
    document = data.draw(edited(fmt))
    import_or_refuse(document, data.draw(st.sampled_from([fmt, "auto"])), ".html" if fmt == "html" else ".txt")


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
@SLOW
@given(data=st.data())
def test_edited_workbooks_and_pdfs(fmt: str, data: st.DataObject) -> None:
    import_or_refuse(data.draw(edited(fmt)), data.draw(st.sampled_from([fmt, "auto"])), "." + fmt)


def test_the_undamaged_seeds_import(seed_path: Path) -> None:
    """The strategies start from documents that really import (else the properties above prove little)."""
    for fmt in FORMATS:
        for number, document in enumerate(seeds(fmt)):
            assert import_or_refuse(document, fmt, "." + fmt) is not None, f"{fmt} seed {number} was refused"


def test_a_field_run_past_its_length_is_refused_not_written() -> None:
    """A damaged file can run one wording into the next paragraphs; the result must still be a valid report."""
    page = seeds("text")[0].decode("utf-8")
    damaged = page.replace("効果があった", "効果が" + "\ufffd" * 900 + "あった", 1)
    assert damaged != page
    outcome = import_or_refuse(damaged.encode("utf-8"), "text")
    if outcome is not None:  # read in some other sound way: still valid, checked by import_or_refuse
        json.loads(interchange.dumps(outcome.document))


def test_over_the_size_limit_is_refused_before_reading() -> None:
    with pytest.raises(UnreadableDocumentError, match="ファイルが大きすぎます"):
        import_bytes(b"x" * (MAX_DOCUMENT_BYTES + 1), LABEL + ".txt")
