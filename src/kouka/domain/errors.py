"""Domain errors: every error kouka raises on purpose derives from :class:`KoukaError`."""


class KoukaError(Exception):
    """Base of kouka's documented errors; the message is meant for people."""


class NumberFormatError(KoukaError, ValueError):
    """A Japanese number or amount could not be read."""


class EraFormatError(KoukaError, ValueError):
    """An era year, fiscal year or period could not be read."""


class DomainValueError(KoukaError, ValueError):
    """A value breaks a rule of the domain (a negative cost, an empty title …)."""
