"""Each command imports only what it uses: a real ``kouka`` process, and the modules it ended up with."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

from kouka.cli import COMMAND_MODULES, COMMANDS, app

# Run kouka's entry point as the console script does, then write what was imported (and the exit code) to a file.
PROBE = """
import json, sys
from kouka.cli import main
out, sys.argv = sys.argv[1], ["kouka", *sys.argv[2:]]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

HEAVY = ("jsonschema", "openpyxl", "django", "weasyprint", "kouka.importers", "kouka.exchange", "kouka.render",
         "kouka.synth", "kouka.web", "rich.table", "rich.progress")


def run(tmp_path: Path, *args: str | Path) -> tuple[int, set[str]]:
    out = tmp_path / "imported.json"
    subprocess.run([sys.executable, "-c", PROBE, str(out), *map(str, args)], capture_output=True, text=True,
                   env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"}, check=False)
    result = json.loads(out.read_text(encoding="utf-8"))
    return result["code"], set(result["modules"])


def loaded(modules: set[str], package: str) -> bool:
    return package in modules or any(name.startswith(package + ".") for name in modules)


def test_the_registry_names_every_command_and_the_module_that_registers_it() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    registered = {}
    for command in app.registered_commands:
        assert command.callback is not None
        registered[command.name or command.callback.__name__.replace("_", "-")] = command.callback.__module__
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        callback = group.typer_instance.registered_commands[0].callback
        assert callback is not None
        registered[group.name] = callback.__module__
    assert registered == COMMANDS


def test_check_loads_neither_jsonschema_nor_the_other_commands(example_path: Path, tmp_path: Path) -> None:
    code, modules = run(tmp_path, "check", example_path)
    assert code == 0
    assert "kouka.cli.core" in modules
    assert [package for package in HEAVY if loaded(modules, package)] == []
    assert [name for name in COMMAND_MODULES[1:] if name in modules] == []


def test_a_document_the_fast_validator_refuses_is_explained_by_jsonschema(example_path: Path,
                                                                          tmp_path: Path) -> None:
    data = json.loads(example_path.read_text(encoding="utf-8"))
    data["reports"][0]["projects"][0]["title"] = "事" * 5000
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, modules = run(tmp_path, "check", broken)
    assert code == 2
    assert "jsonschema" in modules
    message = subprocess.run([sys.executable, "-m", "kouka", "check", str(broken)], capture_output=True, text=True,
                             env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"}, check=False).stderr
    assert "事業名が長すぎます" in message and "$.reports[0].projects[0].title" in message


def test_a_module_of_one_command_keeps_its_name(example_path: Path, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kouka", "import", "--help"], capture_output=True, text=True,
                            env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0, result.stderr
    assert "kouka import [OPTIONS]" in result.stdout
    code, modules = run(tmp_path, "import", "--help")
    assert code == 0 and "kouka.cli.importing" in modules and "kouka.cli.workbook" not in modules


def test_help_still_lists_every_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kouka", "--help"], capture_output=True, text=True,
                            env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0
    assert all(f" {name} " in result.stdout for name in COMMANDS)
