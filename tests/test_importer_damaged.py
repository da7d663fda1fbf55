"""Issue 7: each importer fed 200 damaged variants of the seed (text) and of kouka's HTML page, workbook and
PDF of it, through ``kouka import`` (``--format`` for half, detection for the other half) into a fresh
folder. Each ends in a correct import or a clear error with exit code 2 and nothing written.

What a correct import is depends on the variant (see ``damaged_variants``): a valid re-encoding imports
EQUAL to the undamaged document; a damaged file keeps every project that ends before the damage exactly,
and a damaged binary file either reads as the undamaged one or says in a finding that it is damaged.
How long each variant takes is measured by ``bench/import_damaged.py`` (BENCHMARKS.md).
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from damaged_variants import CP932_ONLY, SUFFIXES, Source, Variant, make_sources, variants, write_variant
from importer_support import json_diff
from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.importers import import_bytes
from paths import EXAMPLE, SEED

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # a message for people, in Japanese (English via gettext)

for _module in COMMAND_MODULES:
    __import__(_module)

runner = CliRunner()
DAMAGE_CODES = {"import_damaged_bytes", "import_damaged_file"}


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    """Made once for the module: rendering the PDF takes a second."""
    return make_sources(SEED, EXAMPLE)


def _as_json(data: bytes, fmt: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(interchange.dumps(import_bytes(data, "x" + SUFFIXES[fmt]).document))
    return result


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *_strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _run(folder: Path, fmt: str, variant: Variant, mode: str) -> tuple[int, dict[str, Any], Path, Path]:
    """``kouka import FILE -o OUT --format MODE --json``: exit code, summary, input and output folder."""
    source = write_variant(folder, fmt, variant)
    out = folder / "out"
    out.mkdir()
    result = runner.invoke(app, ["import", str(source), "-o", str(out), "--format", mode, "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{variant.name}: {result.exception!r}")
    summary: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, summary, source, out


def _check_refused(variant: Variant, code: int, summary: dict[str, Any], source: Path, out: Path) -> None:
    entry = summary["files"][0]
    message = entry["error"]
    assert code == 2, f"{variant.name}: refused with exit code {code}"
    assert message.startswith(source.name) and JAPANESE.search(message) and " / " not in message and (
        "Traceback" not in message), (
        f"{variant.name}: unclear message {message!r}")
    assert not list(out.iterdir()), f"{variant.name}: something was written although the import failed"


def _check_imported(variant: Variant, code: int, summary: dict[str, Any], source: Path, out: Path,
                    ) -> tuple[dict[str, Any], set[str]]:
    assert code in (0, 1), f"{variant.name}: imported with exit code {code}"
    written = sorted(path.name for path in out.iterdir())
    expected = [f"{source.stem}.findings.json", f"{source.stem}.json", f"{source.stem}.sources.json"]
    assert written == sorted(expected), written
    document = interchange.load(out / f"{source.stem}.json")  # schema-valid, whole
    findings = json.loads((out / f"{source.stem}.findings.json").read_text(encoding="utf-8"))
    assert len(findings) == summary["files"][0]["findings"]
    got: dict[str, Any] = json.loads(interchange.dumps(document))
    controls = [s for s in _strings(got) if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in s)]
    assert not controls, f"{variant.name}: control characters imported: {controls[:3]!r}"
    return got, {finding["code"] for finding in findings}


def _check_correct(variant: Variant, source: Source, got: dict[str, Any], codes: set[str],
                   want: dict[str, Any]) -> None:
    if variant.valid:
        expected = want if variant.same_as is None else _as_json(variant.same_as, source.fmt)
        differences = list(json_diff(got, expected))
        assert not differences, f"{variant.name}: a valid file imported differently:\n" + "\n".join(differences[:10])
        return
    if variant.damaged_at is not None and source.project_starts:
        whole = [n for n in range(len(source.project_starts) - 1) if source.project_starts[n + 1] <= variant.damaged_at]
        projects = got["reports"][0]["projects"]
        assert len(projects) >= len(whole), f"{variant.name}: lost projects that end before the damage"
        for n in whole:
            differences = list(json_diff(projects[n], want["reports"][0]["projects"][n], f"$.projects[{n}]"))
            assert not differences, (f"{variant.name}: a project before the damage changed:\n"
                                     + "\n".join(differences[:10]))
    if source.fmt in ("xlsx", "pdf") and got != want:
        assert codes & DAMAGE_CODES, f"{variant.name}: imported differently without a finding about the damage"


@pytest.mark.parametrize("fmt", ["text", "html", "xlsx", "pdf"])
def test_damaged_variants_import_correctly_or_are_refused(fmt: str, sources: dict[str, Source],
                                                          tmp_path: Path) -> None:
    source = sources[fmt]
    want = _as_json(source.data, fmt)
    if fmt != "pdf":  # kouka's PDF reads back best effort; the others equal the hand-made example exactly
        assert not list(json_diff(want, json.loads(interchange.dumps(interchange.load(EXAMPLE)))))
    made = variants(source)
    assert len(made) == 200 and made[-1].big
    outcomes = {"valid": 0, "imported": 0, "refused": 0}
    for index, variant in enumerate(made[:-1]):  # the 50 MB one: test_a_50mb_file_is_refused_at_once
        mode = fmt if index % 2 == 0 else "auto"
        folder = tmp_path / f"{index:03}"
        folder.mkdir()
        code, summary, path, out = _run(folder, fmt, variant, mode)
        if summary["failed"]:
            assert not variant.valid, f"{variant.name} is valid but was refused: {summary['files'][0]['error']}"
            _check_refused(variant, code, summary, path, out)
            outcomes["refused"] += 1
            continue
        got, codes = _check_imported(variant, code, summary, path, out)
        _check_correct(variant, source, got, codes, want)
        outcomes["valid" if variant.valid else "imported"] += 1
    # The variants really exercise both outcomes (a generator gone wrong would make them all trivial).
    assert outcomes["valid"] >= 3 and outcomes["refused"] >= 20 and outcomes["imported"] >= 10, outcomes


@pytest.mark.parametrize("fmt", ["text", "html", "xlsx", "pdf"])
def test_a_50mb_file_is_refused_at_once(fmt: str, sources: dict[str, Source], tmp_path: Path) -> None:
    variant = variants(sources[fmt])[-1]
    assert variant.big and len(variant.data) == 50 * 1024 * 1024
    path = write_variant(tmp_path, fmt, variant)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["import", str(path), "-o", str(out), "--format", "auto"])
    assert result.exit_code == 2, result.output
    assert "大きすぎます" in result.stderr and path.name in result.stderr
    english = runner.invoke(app, ["import", str(path), "-o", str(out), "--format", "auto"],
                            env={"KOUKA_LANGUAGE": "en"})
    assert english.exit_code == 2 and "too large" in english.stderr and path.name in english.stderr
    assert not list(out.iterdir())


def test_valid_shift_jis_and_cp932_files_import_equal_to_utf8(sources: dict[str, Source]) -> None:
    """Issue 7: Shift_JIS / CP932 files, which Japanese offices still produce, import correctly when valid."""
    for fmt in ("text", "html"):
        by_name = {variant.name: variant for variant in variants(sources[fmt]) if variant.valid}
        for name in ("shift_jis", "cp932", "cp932-only-characters", "euc-jp", "utf-16-le-bom"):
            variant = by_name[name]
            result = import_bytes(variant.data, "report" + SUFFIXES[fmt])
            expected = _as_json(variant.same_as or sources[fmt].data, fmt)
            got = json.loads(interchange.dumps(result.document))
            assert not list(json_diff(got, expected)), f"{fmt} {name}"
            assert not any(f.code in DAMAGE_CODES for f in result.findings), f"{fmt} {name}"
        marked = json.dumps(_as_json(by_name["cp932-only-characters"].data, fmt), ensure_ascii=False)
        assert f"（{CP932_ONLY}）" in marked  # kept as written, not replaced
