"""The import rules of docs/architecture.md, read from the source with ``ast``: arrows only point down."""

import ast
from pathlib import Path

from paths import ROOT

SRC = ROOT / "src"
TESTS = ROOT / "tests"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, and every name it imports from one (kouka uses no relative imports)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def sources() -> dict[str, set[str]]:
    return {module_name(path): imported(path) for path in sorted(SRC.rglob("*.py"))}


def test_a_test_module_never_imports_another_test_module() -> None:
    tests = {path.stem for path in TESTS.glob("test_*.py")} | {"conftest"}
    offenders = {path.name: sorted(imported(path) & tests) for path in TESTS.rglob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}
