"""Bytes to text: UTF-8 (with or without BOM), Shift_JIS/CP932, EUC-JP or UTF-16 with a BOM (Excel's
「Unicode テキスト」), and binary refused."""

from kouka.domain.i18n import _
from kouka.importers.errors import UnreadableDocumentError

# Tried in order; a Japanese text file decodes cleanly under at most one of them in practice.
_CONTROL_BYTES = tuple(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_ENCODINGS = ("utf-8-sig", "cp932", "euc_jp", "euc_jis_2004")
# A byte order mark names the encoding outright (UTF-32's before UTF-16's: FF FE 00 00 begins both).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 4 KiB mean this is no text."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > max(4, len(head) // 50)


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding) of a text document; raises UnreadableDocumentError for binary or undecodable bytes."""
    label = name or "入力"
    if not data.strip():
        raise UnreadableDocumentError(_("{label}: 空のファイルです").format(label=label))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_marked(data, encoding, label)
    if looks_binary(data):
        raise UnreadableDocumentError(_("{label}: テキストではありません（バイナリ）").format(label=label))
    candidates: list[tuple[str, str]] = []
    for encoding in _ENCODINGS:
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not candidates:
        # A few damaged bytes in an otherwise readable file: the encoding with the fewest replacements,
        # when they are rare; the caller reports them (U+FFFD marks each one in the text).
        lenient = min(((data.decode(encoding, errors="replace"), encoding) for encoding in _ENCODINGS),
                      key=lambda candidate: candidate[0].count("\ufffd"))
        if lenient[0].count("\ufffd") * 200 <= len(lenient[0]):
            return lenient
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding.lower().replace("-", "_") in ("utf_16", "utf_32"):
            raise UnreadableDocumentError(
                _("{label}: 文字コードを判別できません").format(label=label))
        return str(best), best.encoding
    if len(candidates) == 1:
        return candidates[0]
    # Both legacy encodings decoded: prefer the one whose text is mostly kana/kanji and common punctuation.
    return max(candidates, key=lambda candidate: _japanese_score(candidate[0]))


def _decode_marked(data: bytes, encoding: str, label: str) -> tuple[str, str]:
    """A file with a UTF-16/32 byte order mark; a few damaged units are replaced (and reported), many refused."""
    text = data.decode(encoding, errors="replace")
    if looks_binary(text.encode("utf-8")) or text.count("\ufffd") * 200 > len(text):
        raise UnreadableDocumentError(
            _("{label}: {value}のテキストとして読めません").format(label=label, value=encoding.upper()))
    return text, encoding


def _japanese_score(text: str) -> float:
    if not text:
        return 0.0
    # Half-width katakana (U+FF61-FF9F) counts against: EUC-JP bytes misread as CP932 turn into it.
    good = sum(1 for ch in text if ch.isascii() or "\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
               or "\uff01" <= ch <= "\uff5e" or "\u2460" <= ch <= "\u24ff")
    return good / len(text)
