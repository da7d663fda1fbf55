"""What an uploaded file must be before an importer sees it: not larger than :data:`MAX_UPLOAD_BYTES` (checked
while it streams in, so an oversized upload is never kept whole), and of a kind its name says (a program or an
image renamed ``.txt`` or ``.xlsx`` is refused). What is inside – a damaged workbook, one that would expand
beyond reason (a zip bomb) – is the importers' to judge (:mod:`kouka.importers.xlsx`)."""

from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from kouka.domain.errors import KoukaError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TOO_LARGE = f"ファイルが大きすぎます（{MAX_UPLOAD_BYTES // (1024 * 1024)}MBまで） / the file is larger than 20 MB"

# The kinds the importers read, by file name extension.
KINDS = {".txt": "text", ".csv": "text", ".html": "text", ".htm": "text", ".json": "text",
         ".xlsx": "zip", ".xlsm": "zip", ".pdf": "pdf"}

# The first bytes of kinds of file that are never a report kouka reads, with what to call them.
FOREIGN = (
    (b"MZ", "Windowsの実行ファイル / a Windows program"),
    (b"\x7fELF", "実行ファイル / an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "古い形式のOfficeファイル（.xls/.doc）。.xlsxで保存し直してください"
                                         " / an old Office file (.xls/.doc): save it as .xlsx"),
    (b"\x89PNG", "PNG画像 / a PNG image"),
    (b"\xff\xd8\xff", "JPEG画像 / a JPEG image"),
    (b"GIF8", "GIF画像 / a GIF image"),
    (b"PK\x03\x04", "ZIPファイル / a ZIP archive"),
    (b"%PDF", "PDF"),
    (b"\x1f\x8b", "gzip圧縮ファイル / a gzip file"),
    (b"7z\xbc\xaf", "7z圧縮ファイル / a 7z archive"),
    (b"Rar!", "RAR圧縮ファイル / a RAR archive"),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UploadRefused(KoukaError):
    """An uploaded file that is not of a kind kouka reads, or not what its name says."""


def _foreign(head: bytes) -> str | None:
    for magic, name in FOREIGN:
        if head.startswith(magic):
            return name
    return None


def check_upload(data: bytes, filename: str) -> None:
    """Refuse (:class:`UploadRefused`) a file too large, of a kind the importers do not read, or whose bytes
    are not the kind its name says."""
    name = Path(filename).name or "（名前なし）"
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name}: {TOO_LARGE}")
    suffix = Path(filename).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        allowed = " ".join(sorted(KINDS))
        raise UploadRefused(f"{name}: この種類のファイルは読み込めません（{allowed}） / "
                            f"not a kind of file kouka reads ({allowed})")
    head = data[:8192]
    found = _foreign(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if kind == "zip" and not head.startswith(b"PK\x03\x04"):
        what = found or "Excelファイルではないもの / not an Excel workbook"
        raise UploadRefused(f"{name}: 拡張子は{suffix}ですが、中身は{what}です / the name says {suffix}, "
                            f"the content is not a workbook")
    if kind == "pdf" and not head.startswith(b"%PDF"):
        raise UploadRefused(f"{name}: 拡張子は.pdfですが、中身はPDFではありません / the name says .pdf, the content "
                            f"is not a PDF")
    if kind == "text":
        if found is not None:
            raise UploadRefused(f"{name}: 拡張子は{suffix}ですが、中身は{found}です / the name says {suffix}, the "
                                f"content is not text")
        if b"\x00" in head and not head.startswith(UTF16_BOMS):
            raise UploadRefused(f"{name}: 拡張子は{suffix}ですが、中身がテキストではありません（バイナリ） / the name "
                                f"says {suffix}, the content is binary")


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
                setattr(self.request, REFUSED_ATTRIBUTE, f"{Path(self.file_name or '').name}: {TOO_LARGE}")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def refusal(request: HttpRequest) -> str | None:
    """Why :class:`LimitedUploadHandler` skipped a file of this request, if it did."""
    found: str | None = getattr(request, REFUSED_ATTRIBUTE, None)
    return found
