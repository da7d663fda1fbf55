"""The interchange format: lossless, versioned, and precise about what is wrong."""

import json
from pathlib import Path
from typing import Any

import pytest

from kouka import interchange
from kouka.domain import i18n
from kouka.interchange import InterchangeError


def example_data(example_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(example_path.read_text(encoding="utf-8"))
    return data


def test_load_and_save_are_lossless(example_path: Path, tmp_path: Path) -> None:
    document = interchange.load(example_path)
    assert interchange.dumps(document) == example_path.read_text(encoding="utf-8")
    copy = tmp_path / "copy.json"
    interchange.save(document, copy)
    assert interchange.load(copy) == document


def test_the_schema_file_in_the_repo_is_the_one_in_use(example_path: Path) -> None:
    repo_schema = example_path.parent.parent / "schema" / "kouka.schema.json"
    assert json.loads(repo_schema.read_text(encoding="utf-8")) == interchange.schema()


def test_minimal_document_gets_defaults() -> None:
    data = {"schema": "kouka/1", "reports": [{
        "municipality": {"name": "例市"}, "fiscal_year": 2023, "program": {"name": "デジタル田園都市国家構想交付金",
                                                                        "rate": "1/2"},
        "projects": [{"number": 1, "title": "例", "period": {"start": 2023, "end": 2025}}]}]}
    document = interchange.from_json(data)
    assert document.reports[0].projects[0].cost_label == "事業費"
    assert interchange.from_json(interchange.to_json(document)) == document


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda d: d["reports"][0]["projects"][0].__setitem__("cost_yen", -5), "$.reports[0].projects[0].cost_yen"),
    (lambda d: d["reports"][0]["projects"][1]["kpis"][0]["actuals"]["2022"].__setitem__("value", "1,0"),
     "$.reports[0].projects[1].kpis[0].actuals.2022.value"),
    (lambda d: d["reports"][0].__setitem__("fiscal_year", "令和4年度"), "$.reports[0].fiscal_year"),
    (lambda d: d["reports"][0]["projects"][2].__setitem__("colour", "red"), "$.reports[0].projects[2]"),
    (lambda d: d.__setitem__("schema", "kouka/9"), "$.schema"),
])
def test_schema_violations_name_the_json_path(example_path: Path, mutate: Any, path: str) -> None:
    data = example_data(example_path)
    mutate(data)
    with pytest.raises(InterchangeError) as error:
        interchange.from_json(data)
    assert error.value.path == path
    assert str(error.value).startswith(path)


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(InterchangeError, match="JSONとして読めません（2行目3文字目: "):
        interchange.loads('{"schema":\n  oops}')
    with i18n.language("en"), pytest.raises(InterchangeError, match=r"Not valid JSON \(line 2, column 3: "):
        interchange.loads('{"schema":\n  oops}')


def test_a_json_path_in_a_message_reads_as_a_place() -> None:
    from kouka.interchange import readable_paths

    text = "x.json: ($.reports[0].projects[1].kpis[0].unit: 単位が長すぎます)"
    assert readable_paths(text) == "x.json: (2番目の事業 1番目の成果目標 単位: 単位が長すぎます)"
    title = "$.reports[0].projects[0].title: 事業名が長すぎます"
    assert readable_paths(title) == "1番目の事業 事業名: 事業名が長すぎます"
