"""Hostile input to the JSON loader: whatever arrives, the answer is a document or an InterchangeError."""

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kouka import interchange
from kouka.interchange import InterchangeError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"
EXAMPLE_DATA = json.loads(EXAMPLE.read_text(encoding="utf-8"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def load_or_refuse(text: str) -> None:
    try:
        interchange.loads(text)
    except InterchangeError as error:
        assert str(error)


@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    load_or_refuse(text)


@given(json_values)
def test_any_json_value(value: Any) -> None:
    load_or_refuse(json.dumps(value))


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


EXAMPLE_PATHS = [p for p in paths(EXAMPLE_DATA) if p]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.sampled_from(EXAMPLE_PATHS), json_values, st.booleans())
def test_the_example_with_one_value_replaced_or_removed(path: tuple[Any, ...], value: Any, remove: bool) -> None:
    data = json.loads(json.dumps(EXAMPLE_DATA))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    load_or_refuse(json.dumps(data, ensure_ascii=False))


def test_deep_nesting_is_refused_cleanly() -> None:
    load_or_refuse("[" * 100_000 + "]" * 100_000)


@given(st.binary(max_size=200))
def test_any_bytes_in_a_file(tmp_path_factory: Any, data: bytes) -> None:
    path = tmp_path_factory.mktemp("hostile") / "input.json"
    path.write_bytes(data)
    try:
        interchange.load(path)
    except InterchangeError as error:
        assert str(path) in str(error)
