"""Whether this machine has a font that can draw Japanese.

Without one, WeasyPrint still writes a PDF, with every kanji and kana drawn as an empty box (tofu), and says
nothing. The PDF renderer asks first. It asks fontconfig, the library through which WeasyPrint's Pango finds
fonts (loaded here through ctypes: its command-line tools are a separate Debian package, the library is
always present where WeasyPrint runs), for the fonts whose character set covers Japanese (``:lang=ja``,
the same test ``fc-list :lang=ja`` makes). Pango falls back to such a font for any character the chosen
family lacks, so one is enough. Environment settings such as ``FONTCONFIG_FILE`` apply, as they do to Pango.
"""

import ctypes
import ctypes.util
from functools import lru_cache

from kouka.domain.errors import KoukaError

FONT_PACKAGE = "fonts-noto-cjk"  # Debian's Noto Sans/Serif CJK, the fonts the stylesheet names first
MISSING_FONT = (
    "日本語を表示できるフォントが見つからないため、PDFを作成しません（作成すると文字がすべて「□」になります）。"
    f"Debian・Ubuntu では「sudo apt-get install {FONT_PACKAGE}」で導入できます。"
)


class MissingJapaneseFontError(KoukaError):
    """No installed font covers Japanese: a PDF would show boxes instead of text."""


class _FontSet(ctypes.Structure):
    _fields_ = (("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p)))


@lru_cache(maxsize=1)
def _fontconfig() -> ctypes.CDLL | None:
    """The fontconfig library with the signatures used here, or None where it cannot be loaded."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    except OSError:  # no fontconfig at all: WeasyPrint cannot find fonts either
        return None
    pointer = ctypes.c_void_p
    signatures: dict[str, tuple[list[type], type | None]] = {
        "FcInitLoadConfigAndFonts": ([], pointer),
        "FcNameParse": ([ctypes.c_char_p], pointer),
        "FcObjectSetCreate": ([], pointer),
        "FcObjectSetAdd": ([pointer, ctypes.c_char_p], ctypes.c_int),
        "FcFontList": ([pointer, pointer, pointer], ctypes.POINTER(_FontSet)),
        "FcPatternGetString": ([pointer, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)],
                               ctypes.c_int),
        "FcFontSetDestroy": ([ctypes.POINTER(_FontSet)], None),
        "FcObjectSetDestroy": ([pointer], None),
        "FcPatternDestroy": ([pointer], None),
        "FcConfigDestroy": ([pointer], None),
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(lib, name)
        function.argtypes, function.restype = arguments, result
    return lib


def _families(lib: ctypes.CDLL, fonts: "ctypes._Pointer[_FontSet]") -> list[str]:
    found: set[str] = set()
    for index in range(fonts.contents.nfont):
        family = ctypes.c_char_p()
        if lib.FcPatternGetString(fonts.contents.fonts[index], b"family", 0, ctypes.byref(family)) == 0:
            found.add((family.value or b"").decode("utf-8", "replace"))
    return sorted(found)


def japanese_font_families() -> list[str]:
    """The families of the installed fonts that cover Japanese (["Noto Sans CJK JP", …]); [] when none.

    Read afresh on each call (a few milliseconds with fontconfig's cache), so a font installed while a
    server runs is found, and a test can point ``FONTCONFIG_FILE`` at another configuration.
    """
    lib = _fontconfig()
    if lib is None:
        return []
    config = lib.FcInitLoadConfigAndFonts()
    if not config:
        return []
    pattern, objects = lib.FcNameParse(b":lang=ja"), lib.FcObjectSetCreate()
    try:
        lib.FcObjectSetAdd(objects, b"family")
        fonts = lib.FcFontList(config, pattern, objects)
        if not fonts:
            return []
        try:
            return _families(lib, fonts)
        finally:
            lib.FcFontSetDestroy(fonts)
    finally:
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
        lib.FcConfigDestroy(config)


def require_japanese_font() -> None:
    """Raise :class:`MissingJapaneseFontError` (with how to install one) when no font covers Japanese."""
    if not japanese_font_families():
        raise MissingJapaneseFontError(MISSING_FONT)
