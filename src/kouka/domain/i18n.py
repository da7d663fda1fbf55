"""Messages for people: written in Japanese, translated through gettext catalogues.

Every message kouka shows is a Japanese msgid marked with :func:`gettext` (imported as ``_``), formatted
after translation: ``_("事業費が負の額です（{amount}）").format(amount=...)``. English is a translation in
``kouka/locale/en/LC_MESSAGES/django.po``, the same catalogue Django's own i18n reads for the web pages, so
one file holds the English of the core, the command line and the site.

The domain core imports only the standard library, so this module reads the catalogue with :mod:`gettext`;
the language is a context variable that the web application sets for each request (from Django's active
language) and the command line sets from the environment (``KOUKA_LANGUAGE``, then ``LANGUAGE``/``LANG``).
"""

import gettext as stdlib_gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "django"  # Django's catalogue name, so the site and the core share one file
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "ja"

_language: ContextVar[str] = ContextVar("kouka_language", default="")


def environment_language() -> str:
    """The language KOUKA_LANGUAGE asks for (en, ja, en_US.UTF-8 …), else Japanese."""
    value = os.environ.get("KOUKA_LANGUAGE", "")
    return value.split(".")[0].split("_")[0].split("-")[0].lower() or SOURCE_LANGUAGE


def current_language() -> str:
    return _language.get() or environment_language()


def set_language(language: str) -> None:
    """Use ``language`` (ja, en) for messages in this context (a request, a thread, a command)."""
    _language.set(language.split("-")[0].lower())


@contextmanager
def language(code: str) -> Iterator[None]:
    token = _language.set(code.split("-")[0].lower())
    try:
        yield
    finally:
        _language.reset(token)


@cache
def _catalogue(language_code: str) -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language_code], fallback=True)


def gettext(message: str) -> str:
    """``message`` in the current language (Japanese, the source, needs no catalogue)."""
    code = current_language()
    if code == SOURCE_LANGUAGE:
        return message
    return _catalogue(code).gettext(message)


_ = gettext


def gettext_noop(message: str) -> str:
    """Mark a message kept in a table (a field's label) for the catalogue; it is translated where it is used."""
    return message
