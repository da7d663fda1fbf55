"""The ``kouka`` command line. Each group of commands lives in its own module and registers itself on ``app``.

A command imports only what it uses: :func:`main` looks up the command named on the command line in
:data:`COMMANDS` and imports that one module, so ``kouka check`` never loads the web application, the Excel
reader or the importers. Anything else (``--help``, no command, a misspelt one) imports every module, so the
help lists every command and typer's own message names the unknown one.
"""

import importlib
import sys

import typer

from kouka.domain.i18n import _

app = typer.Typer(
    name="kouka",
    help=_("kouka（効果）: 地方創生交付金事業の効果検証を管理・検証・公表します"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that add commands to ``app`` when imported, in help order.
COMMAND_MODULES = (
    "kouka.cli.core",
    "kouka.cli.national",
    "kouka.cli.importing",
    "kouka.cli.web",
    "kouka.cli.backup",
    "kouka.cli.reporting",
    "kouka.cli.workbook",
    "kouka.cli.loading",
)

# Each command's name on the command line → the module that registers it (tests/test_cli_imports.py checks that
# this is exactly what the modules register).
COMMANDS = {
    "show": "kouka.cli.core", "check": "kouka.cli.core", "judge": "kouka.cli.core",
    "synth": "kouka.cli.national", "stats": "kouka.cli.national", "export-parquet": "kouka.cli.national",
    "import": "kouka.cli.importing",
    "serve": "kouka.cli.web", "worker": "kouka.cli.web", "demo": "kouka.cli.web", "adduser": "kouka.cli.web",
    "dump": "kouka.cli.backup", "restore": "kouka.cli.backup",
    "report": "kouka.cli.reporting", "draft": "kouka.cli.reporting",
    "workbook": "kouka.cli.workbook",
    "load": "kouka.cli.loading", "export-db": "kouka.cli.loading",
}


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The command modules to import for a command line (``argv`` without the program name)."""
    module = COMMANDS.get(argv[0]) if argv else None
    return COMMAND_MODULES if module is None else (module,)


def main() -> None:
    for name in modules_for(sys.argv[1:]):
        importlib.import_module(name)
    if len(app.registered_commands) + len(app.registered_groups) < 2:
        # typer makes an app of one command that command itself (no name to type): ``kouka import`` alone would
        # lose its name, so another module's commands come along to keep the app a group.
        importlib.import_module(COMMAND_MODULES[0])
    app()
