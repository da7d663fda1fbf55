"""What the public search compares: text folded once (NFKC and case), and a query split into its words.

The index stores :func:`folded` text and the query is folded the same way, so ＡＢＣ, abc and Abc find one
another on every database; a word of fewer than :data:`INDEXED_CHARS` characters cannot use a trigram index
and is matched by a plain scan, and a query whose words are all shorter than :data:`MIN_CHARS` is refused.
"""

import unicodedata

INDEXED_CHARS = 3  # a trigram index needs three characters of a word
MIN_CHARS = 2  # 観光, 農業: two characters make a word in Japanese; one character finds nearly everything
MAX_QUERY_CHARS = 100


def folded(text: str) -> str:
    """'ＫＰＩ　まちなか' → 'kpi まちなか' (NFKC, then casefold)."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_terms(query: str) -> list[str]:
    """The distinct words of ``query``, folded: '観光  ＤＸ 観光' → ['観光', 'dx']."""
    words: list[str] = []
    for word in folded(query[:MAX_QUERY_CHARS]).split():
        if word not in words:
            words.append(word)
    return words


def too_short(terms: list[str]) -> bool:
    """No word of two characters or more: the query would find nearly everything."""
    return not terms or max(len(term) for term in terms) < MIN_CHARS
