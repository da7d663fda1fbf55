"""The ``kouka`` command line. Each group of commands lives in its own module and registers itself on ``app``."""

import importlib

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


def main() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()
