"""The importer's own error."""

from kouka.domain.errors import KoukaError


class UnreadableDocumentError(KoukaError):
    """The input holds no report kouka can read: empty, binary, undecodable, or a page with no report in it."""
