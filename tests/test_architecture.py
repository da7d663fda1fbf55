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


def kouka_imports(module: str, found: set[str]) -> set[str]:
    """The kouka modules (and names in them) ``module`` imports, itself aside."""
    return {name for name in found if name.startswith("kouka") and name != module}


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    import sys

    offenders = {}
    for module, found in sources().items():
        if module.startswith("kouka.domain"):
            outside = {name for name in found if name.split(".")[0] not in sys.stdlib_module_names
                       and not name.startswith("kouka.domain")}
            if outside:
                offenders[module] = sorted(outside)
    assert offenders == {}


def test_the_exchange_imports_only_render_interchange_and_the_domain() -> None:
    allowed = ("kouka.exchange", "kouka.render", "kouka.interchange", "kouka.domain")
    offenders = {module: sorted(name for name in kouka_imports(module, found)
                                if name != "kouka" and not name.startswith(allowed))
                 for module, found in sources().items() if module.startswith("kouka.exchange")}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_a_view_never_imports_another_view() -> None:
    views = {module for module in sources()
             if module.startswith("kouka.web.views.") and module != "kouka.web.views.common"}
    offenders = {module: sorted(name for name in found if any(name == v or name.startswith(v + ".") for v in views))
                 for module, found in sources().items() if module in views}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_services_and_selectors_never_import_views_or_the_api() -> None:
    lower = ("kouka.web.services", "kouka.web.selectors", "kouka.web.stats", "kouka.web.ops", "kouka.web.mapping")
    offenders = {module: sorted(name for name in found if name.startswith(("kouka.web.views", "kouka.web.api")))
                 for module, found in sources().items() if module.startswith(lower)}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_only_the_demo_command_imports_the_demo() -> None:
    importers = {module for module, found in sources().items()
                 if any(name.startswith("kouka.web.ops.demo") for name in found) and module != "kouka.web.ops.demo"}
    assert importers == {"kouka.cli.web"}


def test_no_private_name_is_imported_from_another_module() -> None:
    # ``_`` is gettext's conventional name (kouka.domain.i18n._), not a private one
    offenders = {module: sorted(name for name in found if name.startswith("kouka") and name != "kouka.domain.i18n._"
                                and name.rsplit(".", 1)[-1].startswith("_") and not name.endswith("__"))
                 for module, found in sources().items()}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_the_web_application_imports_kouka_by_name_not_by_string() -> None:
    web = [path for path in (SRC / "kouka" / "web").rglob("*.py") if "migrations" not in path.parts]
    assert [path.name for path in web if "import_module" in path.read_text(encoding="utf-8")] == []


def test_no_function_of_the_web_domain_importers_interchange_or_cli_is_too_complex() -> None:
    """What ``radon cc -n D src/kouka/web src/kouka/domain src/kouka/exchange src/kouka/importers
    src/kouka/interchange.py src/kouka/cli`` checks."""
    from radon.complexity import cc_visit

    roots = [SRC / "kouka" / name for name in ("web", "domain", "exchange", "importers", "cli")] + [
        SRC / "kouka" / "interchange.py"]
    paths = [path for root in roots for path in ([root] if root.is_file() else sorted(root.rglob("*.py")))]
    complex_ = [f"{path.relative_to(SRC)}:{block.lineno} {block.name} ({block.complexity})"
                for path in paths for block in cc_visit(path.read_text(encoding="utf-8")) if block.complexity > 20]
    assert complex_ == []


def test_the_assembler_is_a_dispatcher_over_registered_layouts() -> None:
    """Issue 13: ``importers/assemble.py`` stays small; every layout is a module of ``importers/layouts/`` whose
    recognisers are registered in the one tuple ``LAYOUTS``."""
    from kouka.importers.layouts import LAYOUTS, Layout

    assemble = SRC / "kouka" / "importers" / "assemble.py"
    assert len(assemble.read_text(encoding="utf-8").splitlines()) <= 300
    folder = SRC / "kouka" / "importers" / "layouts"
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__", "base"}
    registered = {type(layout).__module__.rsplit(".", 1)[-1] for layout in LAYOUTS}
    assert registered <= modules
    assert all(isinstance(layout, Layout) for layout in LAYOUTS)
