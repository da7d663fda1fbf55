"""Realistic flattened national forms (様式2 as text extraction gives it), written with noise: the shapes of
tests/fixtures/import/*-flat fixtures drawn at random (one cell per line, one long line per project, amounts in a
block after the rows, legends, split headers), then lines dropped, swapped, merged or sprinkled with marks."""

import random
from pathlib import Path

NAMES = (
    "駅前にぎわい創出事業",
    "移住体験ツアー事業",
    "ブランド米販路開拓事業",
    "空き店舗活用事業",
    "農泊推進事業",
    "伝統工芸継承事業",
    "サイクルツーリズム事業",
    "子育て世代定住促進事業",
)
KPIS = (
    ("来場者数", "人"),
    ("新規取引先数", "社"),
    ("参加者数", "人"),
    ("寄附額", "万円"),
    ("出店数", "店舗"),
    ("利用件数", "件"),
)
EFFECTS = (
    "地方創生に非常に効果的であった",
    "地方創生に相当程度効果があった",
    "地方創生に効果があった",
    "地方創生に対して効果がなかった",
    "①",
    "3",
    "-",
)
DIRECTIONS = ("追加等更に発展させる", "事業内容の見直し（改善）", "事業の継続", "事業の中止", "2", "―")
LEGENDS = (
    "事業の効果：①地方創生に非常に効果的であった ②地方創生に相当程度効果があった ③地方創生に効果があった "
    "④地方創生に対して効果がなかった",
    "今後の方針：1 追加等更に発展させる 2 事業内容の見直し（改善） 3 事業の継続 4 事業の中止",
)
NOISE = (
    "- 1 -",
    "2/5",
    "※速報値を含む",
    "②",
    "H28.3",
    "R4",
    "―",
    "\t",
    "事業の評",
    "価",
    "（単位：千円）",
    "①②③",
    "\u3000",
    "7,946人200万円3件",
    "指標①",
)


def project(rng: random.Random) -> dict[str, object]:
    kpis = [
        (rng.choice(KPIS), f"{rng.randint(1, 9999):,}", f"{rng.randint(0, 9999):,}")
        for _ in range(rng.randint(1, 3))
    ]
    return {
        "name": rng.choice(NAMES),
        "cost": f"{rng.randint(100, 99999):,}",
        "kpis": kpis,
        "effect": rng.choice(EFFECTS),
        "direction": rng.choice(DIRECTIONS),
    }


def columns(projects: list[dict[str, object]]) -> list[str]:
    lines = [
        "交付対象事業の名称",
        *[str(p["name"]) for p in projects],
        "事業費（千円）",
        *[str(p["cost"]) for p in projects],
    ]
    lines += ["指標①", *[p["kpis"][0][0][0] for p in projects]]  # type: ignore[index]
    lines += ["目標値", *[p["kpis"][0][1] + p["kpis"][0][0][1] for p in projects]]  # type: ignore[index,operator]
    lines += ["実績値", *[p["kpis"][0][2] + p["kpis"][0][0][1] for p in projects]]  # type: ignore[index,operator]
    lines += [
        "事業の評",
        "価",
        *[str(p["effect"]) for p in projects],
        "今後の方針",
        *[str(p["direction"]) for p in projects],
    ]
    return lines


def long_lines(projects: list[dict[str, object]], amounts_after: bool) -> list[str]:
    lines = []
    for p in projects:
        kpis = " ".join(
            f"指標{'①②③'[i]} {k[0][0]} 目標値 {k[1]}{k[0][1]} 目標年月 R5.3 実績値 {k[2]}{k[0][1]}"
            for i, k in enumerate(p["kpis"])
        )  # type: ignore[arg-type]
        cost = "" if amounts_after else f" 事業費 {p['cost']}千円"
        lines.append(
            f"交付対象事業の名称 {p['name']}{cost} {kpis} 事業の効果 {p['effect']} 今後の方針 {p['direction']}"
        )
    if amounts_after:
        lines += ["事業費（千円）", *[str(p["cost"]) for p in projects]]
    return lines


def document(rng: random.Random) -> str:
    projects = [project(rng) for _ in range(rng.randint(1, 4))]
    head = ["地方創生推進交付金 効果検証"]
    if rng.random() < 0.7:
        head.append(f"対象年度 令和{rng.randint(1, 6)}年度")
    head.append(f"団体名 {rng.choice(['長野県', '秋田県', ''])}{rng.choice(['桜木市', '川辺町', '湊市'])}")
    if rng.random() < 0.5:
        head += list(LEGENDS)
    shape = rng.randrange(3)
    body = columns(projects) if shape == 0 else long_lines(projects, amounts_after=shape == 2)
    lines = head + body
    for _ in range(rng.randint(0, 6)):  # noise
        kind = rng.randrange(4)
        at = rng.randrange(len(lines))
        if kind == 0:
            del lines[at]
        elif kind == 1:
            lines.insert(at, rng.choice(NOISE))
        elif kind == 2 and at + 1 < len(lines):
            lines[at : at + 2] = [lines[at] + " " + lines[at + 1]]
        elif lines:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        if not lines:
            lines = ["交付対象事業の名称"]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int, seed: int = 15) -> list[Path]:
    """``count`` documents in ``folder`` (flat-NNN.txt), the same for the same seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"flat-{number:03d}.txt"
        path.write_text(document(rng), encoding="utf-8")
        paths.append(path)
    return paths
