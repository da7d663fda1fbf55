"""What an uploaded file must be before an importer sees it: not larger than :data:`MAX_UPLOAD_BYTES` (checked
while it streams in, so an oversized upload is never kept whole), and of a kind its name says (a program or an
image renamed ``.txt`` or ``.xlsx`` is refused). What is inside – a damaged workbook, one that would expand
beyond reason (a zip bomb) – is the importers' to judge (:mod:`kouka.importers.xlsx`)."""

from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.errors import KoukaError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TOO_LARGE = gettext_noop("ファイルが大きすぎます（{megabytes}MBまで）")  # translated where it is raised


def too_large() -> str:
    """ファイルが大きすぎます（20MBまで） in the current language."""
    return _(TOO_LARGE).format(megabytes=MAX_UPLOAD_BYTES // (1024 * 1024))

# The kinds the importers read, by file name extension.
KINDS = {".txt": "text", ".csv": "text", ".html": "text", ".htm": "text", ".json": "text",
         ".xlsx": "zip", ".xlsm": "zip", ".pdf": "pdf"}

# The first bytes of kinds of file that are never a report kouka reads, with what to call them.
FOREIGN = (
    (b"MZ", gettext_noop("Windowsの実行ファイル")),
    (b"\x7fELF", gettext_noop("実行ファイル")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     gettext_noop("古い形式のOfficeファイル（.xls/.doc）。.xlsxで保存し直してください")),
    (b"\x89PNG", gettext_noop("PNG画像")),
    (b"\xff\xd8\xff", gettext_noop("JPEG画像")),
    (b"GIF8", gettext_noop("GIF画像")),
    (b"PK\x03\x04", gettext_noop("ZIPファイル")),
    (b"%PDF", "PDF"),
    (b"\x1f\x8b", gettext_noop("gzip圧縮ファイル")),
    (b"7z\xbc\xaf", gettext_noop("7z圧縮ファイル")),
    (b"Rar!", gettext_noop("RAR圧縮ファイル")),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UploadRefused(KoukaError):
    """An uploaded file that is not of a kind kouka reads, or not what its name says."""


def _foreign(head: bytes) -> str | None:
    for magic, name in FOREIGN:
        if head.startswith(magic):
            return _(name)
    return None


def check_upload(data: bytes, filename: str) -> None:
    """Refuse (:class:`UploadRefused`) a file too large, of a kind the importers do not read, or whose bytes
    are not the kind its name says."""
    name = Path(filename).name or _("（名前なし）")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name}: {too_large()}")
    suffix = Path(filename).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        allowed = " ".join(sorted(KINDS))
        raise UploadRefused(_("{name}: この種類のファイルは読み込めません（{allowed}）").format(
            name=name, allowed=allowed))
    head = data[:8192]
    found = _foreign(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if kind == "zip" and not head.startswith(b"PK\x03\x04"):
        what = found or _("Excelファイルではないもの")
        raise UploadRefused(_("{name}: 拡張子は{suffix}ですが、中身は{what}です").format(name=name, suffix=suffix,
                                                                                 what=what))
    if kind == "pdf" and not head.startswith(b"%PDF"):
        raise UploadRefused(_("{name}: 拡張子は.pdfですが、中身はPDFではありません").format(name=name))
    if kind == "text":
        if found is not None:
            raise UploadRefused(_("{name}: 拡張子は{suffix}ですが、中身は{what}です").format(name=name, suffix=suffix,
                                                                                     what=found))
        if b"\x00" in head and not head.startswith(UTF16_BOMS):
            raise UploadRefused(_("{name}: 拡張子は{suffix}ですが、中身がテキストではありません（バイナリ）").format(
                name=name, suffix=suffix))


REFUSED_ATTRIBUTE = "kouka_refused_upload"


class LimitedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: passes each chunk on, and skips a file the moment it grows beyond
    :data:`MAX_UPLOAD_BYTES` (its bytes are read and dropped, never stored), noting it on the request
    for :func:`refusal`."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            if self.request is not None:
                setattr(self.request, REFUSED_ATTRIBUTE, f"{Path(self.file_name or '').name}: {too_large()}")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def refusal(request: HttpRequest) -> str | None:
    """Why :class:`LimitedUploadHandler` skipped a file of this request, if it did."""
    found: str | None = getattr(request, REFUSED_ATTRIBUTE, None)
    return found
