"""What kouka's management commands share."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kouka.domain import i18n


class TranslatedCommand(BaseCommand):
    """A command that speaks the language KOUKA_LANGUAGE asks for (Japanese unless it says another), as the
    ``kouka`` command does; its ``help`` is a Japanese text marked with gettext_noop."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(i18n.environment_language()):
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            parser.description = _(self.help)
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(i18n.environment_language()):
            return super().execute(*args, **options)
