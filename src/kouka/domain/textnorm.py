"""Normalisation of Japanese text as it arrives from pages, PDFs and spreadsheets.

Only width and spacing are touched here; the meaning of words is the business of
the modules that read them.
"""

import re
import unicodedata

_WIDTH = str.maketrans(
    "０１２３４５６７８９，．－＋％（）［］　：／～〜",
    "0123456789,.-+%()[] :/~~",
)
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def halfwidth(text: str) -> str:
    """Full-width digits, commas, brackets and the wave dash as their ASCII forms."""
    return text.translate(_WIDTH)


def squeeze_spaces(text: str) -> str:
    """Runs of spaces (including the ideographic space) as one ASCII space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def label_key(text: str) -> str:
    """A comparison key for labels: NFKC, no whitespace at all, ASCII brackets.

    PDF extraction and CMS editors put spaces and line breaks inside words
    ("事 業 費", "交付金\\n充当額"); they never matter in a label.
    """
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).replace("〜", "~")
