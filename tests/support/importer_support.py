"""Helpers for the importer tests: JSON differences as paths, and building the generated fixtures."""

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kouka import interchange
from kouka.domain.model import Document
from paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def json_diff(got: Any, want: Any, path: str = "$") -> Iterator[str]:
    """Every JSON path where ``got`` differs from ``want``, with both values."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in sorted(set(got) | set(want)):
            yield from json_diff(got.get(key, "<missing>"), want.get(key, "<missing>"), f"{path}.{key}")
    elif isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            yield f"{path}: {len(got)} items, expected {len(want)}"
        for index, (g, w) in enumerate(zip(got, want, strict=False)):
            yield from json_diff(g, w, f"{path}[{index}]")
    elif got != want:
        yield f"{path}: got {json.dumps(got, ensure_ascii=False)} expected {json.dumps(want, ensure_ascii=False)}"


def assert_document_equals(document: Document, expected_file: Path) -> None:
    got = json.loads(interchange.dumps(document))
    want = json.loads(expected_file.read_text(encoding="utf-8"))
    differences = list(json_diff(got, want))
    assert not differences, "differs from " + expected_file.name + ":\n" + "\n".join(differences)


def build_national_form(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("national_form", FIXTURES / "national_form.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.build(out)
    return path


def build_pdf(out: Path) -> Path:
    from weasyprint import HTML

    HTML(filename=str(FIXTURES / "minamisawa-2022-pdf-source.html")).write_pdf(str(out))
    return out
