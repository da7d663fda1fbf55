"""Damaged variants of the seed and of kouka's HTML, Excel and PDF renderings of it, made deterministically.

Shared by ``tests/test_importer_damaged.py`` (every variant imports correctly or is refused clearly) and
``bench/import_damaged.py`` (how long each one takes). Each variant says what a correct outcome is:

- ``valid``: the same document in another valid form (Shift_JIS, CP932 with characters only CP932 has,
  EUC-JP, UTF-16 with a BOM, CRLF, a re-packed workbook, bytes after a PDF's end): must import EQUAL to the
  undamaged document;
- ``damaged_at``: bytes from this offset on are damaged (truncated, junk inserted, bytes zeroed or
  flipped); an import must keep every project that ends before the damage exactly as it was;
- anything else (shuffled lines, mojibake, junk throughout): an import must be a whole, valid document.

A refusal is always allowed for damaged variants (never for valid ones).
"""

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VARIANTS_PER_IMPORTER = 200
BIG_BYTES = 50 * 1024 * 1024
SUFFIXES = {"text": ".txt", "html": ".html", "xlsx": ".xlsx", "pdf": ".pdf"}
# Characters Shift_JIS lacks and CP932 (Windows' Shift_JIS) has: offices' files are full of them.
CP932_ONLY = "①㈱髙﨑№Ⅲ"
JUNK = (b"\x00\x01\x02\xff\xfe\xfd", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)),
        b"\xe3\x81", b"\x82\xa0\x82", b"<script>alert(1)</script>", b"%PDF-1.7\n", b"PK\x03\x04")


@dataclass(frozen=True)
class Variant:
    name: str
    data: bytes
    valid: bool = False
    damaged_at: int | None = None  # bytes before this offset are untouched
    big: bool = False
    same_as: bytes | None = None  # a valid variant of other content: must import equal to these UTF-8 bytes


@dataclass(frozen=True)
class Source:
    """One importer's undamaged document and where each project's part of it starts (text formats)."""

    fmt: str
    data: bytes
    project_starts: tuple[int, ...] = ()
    anchor: str = ""  # a phrase of the document after which CP932-only characters are written


def project_starts(data: bytes, titles: list[str]) -> tuple[int, ...]:
    """Byte offset of each project's section: the last place its title appears (a summary table comes first)."""
    return tuple(data.rfind(title.encode("utf-8")) for title in titles)


def variants(source: Source, count: int = VARIANTS_PER_IMPORTER, seed: int = 7) -> list[Variant]:
    """``count`` variants of ``source`` (the 50 MB one last), the same every run."""
    rng = random.Random(f"{seed}-{source.fmt}")
    made = _valid_text_forms(source) if source.fmt in ("text", "html") else _valid_binary_forms(source)
    makers = _TEXT_DAMAGE if source.fmt in ("text", "html") else _BINARY_DAMAGE
    index = 0
    while len(made) < count - 1:
        maker = makers[index % len(makers)]
        made.append(maker(rng, source.data, len(made)))
        index += 1
    made.append(big_variant(source))
    return made


def big_variant(source: Source) -> Variant:
    """A 50 MB file that begins as the document: the text repeated, or the binary padded with junk."""
    if source.fmt in ("text", "html"):
        repeats = BIG_BYTES // len(source.data) + 1
        return Variant("50MB", (source.data * repeats)[:BIG_BYTES], big=True)
    return Variant("50MB", source.data + bytes(BIG_BYTES - len(source.data)), big=True)


def jis_only(text: str) -> str:
    """``text`` as an office writes it in JIS X 0208 (Shift_JIS proper, EUC-JP): no circled digits, and the
    wave dash where CP932 has the full-width tilde."""
    circled = {chr(0x2460 + n): f"({n + 1})" for n in range(20)}
    return "".join(circled.get(ch, ch) for ch in text).replace("\uff5e", "\u301c").replace("\uff0d", "\u2212")


def _valid_text_forms(source: Source) -> list[Variant]:
    text = source.data.decode("utf-8")
    jis = jis_only(text)
    forms = [
        Variant("utf-8-crlf", text.replace("\n", "\r\n").encode("utf-8"), valid=True),
        Variant("utf-8-bom", text.encode("utf-8-sig"), valid=True),
        Variant("cp932", text.encode("cp932"), valid=True),
        Variant("cp932-crlf", text.replace("\n", "\r\n").encode("cp932"), valid=True),
        # A Shift_JIS file means what Windows reads in it (CP932 decodes its wave dash as ～).
        Variant("shift_jis", jis.encode("shift_jis"), valid=True,
                same_as=jis.encode("shift_jis").decode("cp932").encode("utf-8")),
        Variant("euc-jp", jis.encode("euc_jp"), valid=True, same_as=jis.encode("utf-8")),
        Variant("utf-16-le-bom", b"\xff\xfe" + text.encode("utf-16-le"), valid=True),
        Variant("utf-16-be-bom", b"\xfe\xff" + text.encode("utf-16-be"), valid=True),
    ]
    if source.anchor:
        marked = with_cp932_only(text, source.anchor)
        forms.append(Variant("cp932-only-characters", marked.encode("cp932"), valid=True,
                             same_as=marked.encode("utf-8")))
    return forms


def with_cp932_only(text: str, anchor: str) -> str:
    """The document with CP932-only characters written after ``anchor`` (which must be in it)."""
    assert anchor in text, anchor
    return text.replace(anchor, f"{anchor}（{CP932_ONLY}）", 1)


def _valid_binary_forms(source: Source) -> list[Variant]:
    data = source.data
    forms = [Variant("junk-after-end", data + b"\r\n" + bytes(range(256)) * 4, valid=True)]
    if source.fmt == "xlsx":
        forms += [Variant("re-zipped-stored", _rezip(data, zipfile.ZIP_STORED), valid=True),
                  Variant("re-zipped-level9", _rezip(data, zipfile.ZIP_DEFLATED, 9), valid=True),
                  Variant("members-reversed", _rezip(data, zipfile.ZIP_DEFLATED, 6, reverse=True), valid=True)]
    else:
        forms += [Variant("newline-after-eof", data + b"\n", valid=True),
                  Variant("comment-after-eof", data + b"% kouka test\n% " + b"x" * 1000 + b"\n", valid=True)]
    return forms


def _rezip(data: bytes, method: int, level: int | None = None, reverse: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method, compresslevel=level) as dest:
        members = source.infolist()
        for info in reversed(members) if reverse else members:
            dest.writestr(info.filename, source.read(info))
    return out.getvalue()


Maker = Callable[[random.Random, bytes, int], Variant]


def _truncated(rng: random.Random, data: bytes, number: int) -> Variant:
    # Spread over the whole file, every 7th near the start or the end where readers look for headers.
    cut = rng.choice((rng.randrange(1, 200), len(data) - rng.randrange(1, 200))) if number % 7 == 0 \
        else rng.randrange(1, len(data))
    cut = max(1, min(cut, len(data) - 1))
    return Variant(f"{number:03}-truncated-{cut}", data[:cut], damaged_at=cut)


def _junk_inserted(rng: random.Random, data: bytes, number: int) -> Variant:
    at = rng.randrange(len(data))
    junk = rng.choice(JUNK) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 300))
    return Variant(f"{number:03}-junk-at-{at}", data[:at] + junk + data[at:], damaged_at=at)


def _junk_appended(rng: random.Random, data: bytes, number: int) -> Variant:
    junk = rng.randbytes(rng.randint(1, 5000))
    return Variant(f"{number:03}-junk-appended", data + junk, damaged_at=len(data))


def _zeroed(rng: random.Random, data: bytes, number: int) -> Variant:
    at = rng.randrange(len(data))
    length = rng.randint(1, 2000)
    zeroed = data[:at] + bytes(min(length, len(data) - at)) + data[at + length:]
    return Variant(f"{number:03}-zeroed-{at}+{length}", zeroed, damaged_at=at)


def _flipped(rng: random.Random, data: bytes, number: int) -> Variant:
    out = bytearray(data)
    places = sorted(rng.randrange(len(out)) for _ in range(rng.randint(1, 20)))
    for place in places:
        out[place] ^= 1 << rng.randrange(8)
    return Variant(f"{number:03}-flipped-from-{places[0]}", bytes(out), damaged_at=places[0])


def _shuffled(rng: random.Random, data: bytes, number: int) -> Variant:
    lines = data.split(b"\n")
    if rng.random() < 0.5:
        rng.shuffle(lines)
    else:  # a few neighbouring lines swapped, as a bad copy-paste leaves them
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(max(1, len(lines) - 1))
            lines[at:at + 2] = lines[at:at + 2][::-1]
    return Variant(f"{number:03}-shuffled-lines", b"\n".join(lines))


def _mojibake(rng: random.Random, data: bytes, number: int) -> Variant:
    """A file that went through the wrong decoder once and was saved again."""
    wrong, saved = rng.choice((("cp932", "utf-8"), ("latin-1", "utf-8"), ("euc_jp", "utf-8"), ("utf-8", "cp932"),
                               ("cp1252", "utf-8")))
    text = data.decode(wrong, errors="replace")
    return Variant(f"{number:03}-mojibake-{wrong}-as-{saved}", text.encode(saved, errors="replace"))


def _wrong_encoding_damaged(rng: random.Random, data: bytes, number: int) -> Variant:
    """A legacy-encoded copy, then cut or flipped (a Shift_JIS file broken in the middle of a character)."""
    encoding = rng.choice(("cp932", "euc_jp", "utf-16"))
    encoded = data.decode("utf-8", errors="replace").encode(encoding, errors="replace")
    cut = rng.randrange(1, len(encoded))
    return Variant(f"{number:03}-{encoding}-cut-{cut}", encoded[:cut] + encoded[cut + 1:cut + 2])


def _text_mode_transfer(rng: random.Random, data: bytes, number: int) -> Variant:
    """A binary file sent as text (FTP ASCII mode, a mail gateway): line ends rewritten, or high bytes lost."""
    if rng.random() < 0.5:
        changed = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    else:
        changed = bytes(byte & 0x7F for byte in data)
    first = next((i for i, (a, b) in enumerate(zip(data, changed, strict=False)) if a != b),
                 min(len(data), len(changed)))
    return Variant(f"{number:03}-text-transfer", changed, damaged_at=first)


_TEXT_DAMAGE: tuple[Maker, ...] = (_truncated, _truncated, _junk_inserted, _shuffled, _zeroed, _truncated,
                                   _junk_appended, _mojibake, _flipped, _wrong_encoding_damaged)
_BINARY_DAMAGE: tuple[Maker, ...] = (_truncated, _truncated, _junk_inserted, _zeroed, _flipped, _shuffled,
                                     _junk_appended, _text_mode_transfer, _mojibake, _truncated)


def write_variant(folder: Path, fmt: str, variant: Variant) -> Path:
    path = folder / f"{fmt}-{variant.name}{SUFFIXES[fmt]}"
    path.write_bytes(variant.data)
    return path


ANCHOR = "まちなかにおける創業を促進するもの"


def make_sources(seed: Path, example: Path) -> dict[str, Source]:
    """The seed text and kouka's HTML page, workbook and PDF of the example (the seed encoded by hand)."""
    from kouka import interchange
    from kouka.render.html import render_page
    from kouka.render.pdf import render_pdf
    from kouka.render.xlsx import render_xlsx

    report = interchange.load(example).reports[0]
    titles = [project.title for project in report.projects]
    text = seed.read_bytes()
    page = render_page(report).encode("utf-8")
    return {"text": Source("text", text, project_starts(text, titles), ANCHOR),
            "html": Source("html", page, project_starts(page, titles), ANCHOR),
            "xlsx": Source("xlsx", render_xlsx(report)),
            "pdf": Source("pdf", render_pdf(report))}
