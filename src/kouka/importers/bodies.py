"""Names of local public bodies in running text: prefectures, and the municipality a report is about."""

import re
from collections import Counter

PREFECTURE_NAMES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県",
    "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",
    "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
    "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県",
    "宮崎県", "鹿児島県", "沖縄県",
)

# 全国地方公共団体コード of bodies kouka has verified; others are left blank for the city to fill in.
# Prefecture codes follow from their number (pp000 + check digit) and are computed, not listed.
KNOWN_BODY_CODES: dict[str, tuple[str, str]] = {
    "伊勢崎市": ("群馬県", "102041"),
}

_PREF_RE = re.compile("|".join(PREFECTURE_NAMES))
_NAME_RE = re.compile(r"((?<![一-龥々ヶ])[一-龥々ヶ]{1,5}?[市町村]"
                      r"|(?<![一-龥々ヶぁ-んァ-ヴー])[ぁ-んァ-ヴ]{2,4}[市町村])(?![町村内外民長議政域街])")
_GENERIC = {"本市", "当市", "全市", "各市", "同市", "他市", "市町村", "都市", "本町", "当町", "各町", "本村", "当村",
            "各村", "近隣市", "県内市", "市町", "町村", "まち", "市"}
_SELF_RE = re.compile(r"((?<![一-龥々ヶ])[一-龥々ヶ]{1,5}?[市町村])(?:では|において|における|の事業)")


def prefecture_code(name: str) -> str:
    from kouka.domain.model import body_code_check_digit

    number = PREFECTURE_NAMES.index(name) + 1
    five = f"{number:02d}000"
    return five + str(body_code_check_digit(five))


def split_prefecture(text: str) -> tuple[str, str]:
    """群馬県伊勢崎市 → (群馬県, 伊勢崎市); 伊勢崎市 → ("", 伊勢崎市)."""
    match = _PREF_RE.match(text.strip())
    if match and match.end() < len(text.strip()):
        return match.group(0), text.strip()[match.end():]
    return "", text.strip()


def municipality_names(text: str) -> list[str]:
    found = []
    for chunk in _PREF_RE.split(text):
        found += [name for name in _NAME_RE.findall(chunk)
                  if name not in _GENERIC and not name.endswith(("市町村", "町村", "市町"))]
    return found


def _named_in_titles(title_texts: list[str]) -> str:
    """The first municipality a title names, or the prefecture of a title about the grant, or ""."""
    for title in title_texts:
        pref = _PREF_RE.search(title)
        names = municipality_names(title)
        if names:
            return names[0]
        if pref and ("交付金" in title or "効果" in title):
            return pref.group(0)
    return ""


def guess_municipality(title_texts: list[str], texts: list[str]) -> str:
    """The body a report is about: named in a title, else the one the text speaks of most."""
    titled = _named_in_titles(title_texts)
    if titled:
        return titled
    kind = self_kind(texts)
    if kind == "県":
        prefectures: Counter[str] = Counter(p for text in title_texts + texts for p in _PREF_RE.findall(text))
        if prefectures:
            return prefectures.most_common(1)[0][0]
    counts: Counter[str] = Counter()
    whole = "\n".join(texts)  # a line break is a boundary no name crosses
    for name in municipality_names(whole):
        counts[name] += 1
    for name in _SELF_RE.findall(whole):
        if name not in _GENERIC:
            counts[name] += 2
    of_kind = Counter({name: n for name, n in counts.items() if name.endswith(kind)}) if kind else counts
    if of_kind or counts:
        return (of_kind or counts).most_common(1)[0][0]
    mentioned: Counter[str] = Counter(p for text in texts for p in _PREF_RE.findall(text))
    return mentioned.most_common(1)[0][0] if mentioned else ""


_SELF_WORDS = {"市": ("本市", "当市"), "町": ("本町", "当町"), "村": ("本村", "当村"),
               "県": ("本県", "当県", "本府", "当府", "本都", "本道")}


def self_kind(texts: list[str]) -> str:
    """市, 町, 村 or 県 by how the document speaks of itself (本市では …), or "" when it does not."""
    whole = "\n".join(texts)
    counts = {kind: sum(whole.count(word) for word in words) for kind, words in _SELF_WORDS.items()}
    kind, count = max(counts.items(), key=lambda item: item[1])
    return kind if count else ""


def guess_prefecture(name: str, texts: list[str]) -> str:
    if name in PREFECTURE_NAMES:
        return name
    if name in KNOWN_BODY_CODES:
        return KNOWN_BODY_CODES[name][0]
    for text in texts if name else ():
        index = text.find(name)
        while index >= 0:
            for pref in PREFECTURE_NAMES:
                if text.endswith(pref, 0, index):  # the prefecture written just before the name, no copy
                    return pref
            index = text.find(name, index + 1)
    counts: Counter[str] = Counter(p for text in texts for p in _PREF_RE.findall(text))
    return counts.most_common(1)[0][0] if counts else ""


def body_code(name: str) -> str:
    if name in PREFECTURE_NAMES:
        return prefecture_code(name)
    return KNOWN_BODY_CODES.get(name, ("", ""))[1]
