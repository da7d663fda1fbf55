"""What kouka's management commands share."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class TranslatedCommand(BaseCommand):
    """A command whose ``help`` (a Japanese text marked with gettext_noop) is shown in the reader's language."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = _(self.help)
        return parser
