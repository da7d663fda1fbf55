"""Draft a project's まとめ（検証結果） from its judgements, in the tone of the city's own text.

Every statement about a KPI rests on :func:`kouka.domain.rules.judge_kpi`; the figures are written in
the city's notation. What only people know (why a target was missed, what will change, the overall
assessment) is left as a clearly marked gap, 【要記入：…】, for staff to fill in.
"""

from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import KpiScope, Measurement, Project, ProjectKind
from kouka.domain.notation import write_measurement
from kouka.domain.rules import Judgement, KpiResult, judge_kpi

GAP_OPEN, GAP_CLOSE = "【要記入：", "】"
GAP_CAUSE = f"{GAP_OPEN}未達成の要因{GAP_CLOSE}"
GAP_IMPROVEMENT = f"{GAP_OPEN}改善に向けた取組{GAP_CLOSE}"
GAP_ACHIEVEMENTS = f"{GAP_OPEN}主な成果（任意）{GAP_CLOSE}"
GAP_OVERALL = f"{GAP_OPEN}事業全体の評価{GAP_CLOSE}"
GAP_OWN_WORK = f"{GAP_OPEN}本市が実施した取組とその成果{GAP_CLOSE}"

# The phrase each judgement is stated with; a test holds the draft to these.
PHRASES: dict[Judgement, str] = {
    Judgement.MET: "達成した",
    Judgement.NOT_MET: "届かなかった",
    Judgement.PENDING: "集計中",
    Judgement.NOT_JUDGEABLE: "判定の対象としない",
}


def has_gaps(paragraphs: list[str]) -> bool:
    """Whether a まとめ still holds a 【要記入：…】 gap."""
    return any(GAP_OPEN in paragraph for paragraph in paragraphs)


def kpi_ref(result: KpiResult) -> str:
    """成果目標②「まちなかワークショップ参加者数」."""
    return f"成果目標{circled(result.kpi.number)}「{result.kpi.name}」"


def _figure(m: Measurement | None) -> str:
    return write_measurement(m) if m is not None else "－"


def _joined(refs: list[str]) -> str:
    """A, B及びC — the city's way of listing."""
    return refs[0] if len(refs) == 1 else "、".join(refs[:-1]) + "及び" + refs[-1]


def _preliminary_note(results: list[KpiResult]) -> str:
    preliminary = [f"成果目標{circled(r.kpi.number)}" for r in results if r.preliminary]
    return f"（{_joined(preliminary)}は速報値による。）" if preliminary else ""


def _met(results: list[KpiResult], year: str) -> str:
    refs = _joined([kpi_ref(r) for r in results])
    each = "それぞれ" if len(results) > 1 else ""
    return f"{refs}は{year}目標を{each}{PHRASES[Judgement.MET]}。{_preliminary_note(results)}"


def _not_met_sentence(result: KpiResult) -> str:
    actual, target = _figure(result.actual), _figure(result.target)
    return f"{kpi_ref(result)}は{actual}にとどまり、目標の{target}に{PHRASES[Judgement.NOT_MET]}。"


def _not_met(results: list[KpiResult], opening: str) -> str:
    sentences = "".join(_not_met_sentence(r) for r in results)
    return f"{opening}{sentences}{_preliminary_note(results)}{GAP_CAUSE}{GAP_IMPROVEMENT}"


def _pending(results: list[KpiResult], year: str) -> str:
    refs = _joined([kpi_ref(r) for r in results])
    return f"{refs}の{year}実績は{PHRASES[Judgement.PENDING]}であり、実績の確定後に改めて検証する。"


def _not_judgeable_municipal(results: list[KpiResult]) -> str:
    refs = _joined([kpi_ref(r) for r in results])
    return f"{refs}は、目標値又は実績値が数値で示されていないため、{PHRASES[Judgement.NOT_JUDGEABLE]}。"


def _wide_area_line(result: KpiResult, year: str) -> str:
    shown = _figure(result.actual) if result.actual is not None else "未報告"
    return f"{kpi_ref(result)}の{year}実績は{shown}（目標{_figure(result.target)}）である。"


def _wide_area(project: Project, results: list[KpiResult], year: str) -> list[str]:
    scope = project.kpi_scope_label or "広域連携事業全体"
    lead = f"{project.lead_body}主体の" if project.lead_body else ""
    opening = (
        f"{_joined([f'成果目標{circled(r.kpi.number)}' for r in results])}は、{lead}広域連携事業（{scope}）として"
        f"連携自治体において展開される様々な事業の集合体に対して設定されたものであるため、"
        f"本市分として成果測定はできず、{PHRASES[Judgement.NOT_JUDGEABLE]}。"
    )
    figures = "参考として、" + "".join(_wide_area_line(r, year) for r in results) + _preliminary_note(results)
    return [opening, figures]


def _by(results: list[KpiResult], judgement: Judgement) -> list[KpiResult]:
    return [r for r in results if r.judgement is judgement]


def draft_verification(project: Project, fiscal_year: int) -> list[str]:
    """Paragraphs of a まとめ（検証結果） for ``project`` in ``fiscal_year``, with 【要記入：…】 gaps."""
    year = format_fiscal_year(fiscal_year)
    results = [judge_kpi(kpi, fiscal_year) for kpi in project.kpis]
    wide = [r for r in results if r.kpi.scope is KpiScope.WIDE_AREA]
    own = [r for r in results if r.kpi.scope is not KpiScope.WIDE_AREA]
    paragraphs: list[str] = []
    if not results:
        paragraphs.append(f"{year}は成果目標が設定されていない。{GAP_OWN_WORK}")
    met, not_met = _by(own, Judgement.MET), _by(own, Judgement.NOT_MET)
    if met:
        paragraphs.append(_met(met, year) + GAP_ACHIEVEMENTS)
    if not_met:
        paragraphs.append(_not_met(not_met, "一方、" if met else ""))
    if pending := _by(own, Judgement.PENDING):
        paragraphs.append(_pending(pending, year))
    if unjudged := _by(own, Judgement.NOT_JUDGEABLE):
        paragraphs.append(_not_judgeable_municipal(unjudged))
    if wide:
        paragraphs.extend(_wide_area(project, wide, year))
    if project.kind is ProjectKind.WIDE_AREA or wide:
        paragraphs.append(f"本市においては、{GAP_OWN_WORK}")
    paragraphs.append(_closing(year, met, not_met, own))
    return paragraphs


def _closing(year: str, met: list[KpiResult], not_met: list[KpiResult], own: list[KpiResult]) -> str:
    if not own:
        return f"{year}事業を総括すると、{GAP_OVERALL}。"
    if not_met and met:
        return f"{year}事業を総括すると、未達成の成果目標もあったものの、{GAP_OVERALL}。"
    if not_met:
        return f"{year}事業を総括すると、成果目標を達成することができなかったが、{GAP_OVERALL}。"
    if met and len(met) == len(own):
        return f"{year}事業を総括すると、全ての成果目標を達成し、{GAP_OVERALL}。"
    return f"{year}事業を総括すると、{GAP_OVERALL}。"
