"""The publication as HTML, in the seed's order: the program's purpose and rate, the municipal total, then
per project its fields, KPI table, charts and まとめ（検証結果）.

:func:`render_page` is a complete page (``lang="ja"``, the stylesheet in a ``<style>`` element, no
scripts); :func:`render_fragment` is its body for a city's CMS (headings start at ``<h2>``; the page adds
the ``<h1>``). :func:`stylesheet` is the fragment's CSS for a web application or a CMS to serve as a file:
every rule sits under ``.kouka-report``, so the page around the fragment keeps its own look. From 360 px up
the tables read as cards where the publication is narrow (a phone, a CMS column). Every text from the data is
escaped.

``paper=True`` is the layout the PDF prints: each KPI gets a small table of its own whose caption is the
KPI's full name on one line, instead of a row in the project's KPI table, where the name column of an A4
page squeezes a long name to a few characters a line.

「事業の効果」 shows where the project stands on the national four-level scale (a drawn scale with its
text alternative) and the city's reason, unless that reason is a sentence of the まとめ（検証結果）, which
the block then points to instead of repeating it.
"""

from collections.abc import Iterable
from html import escape

from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import (
    DIRECTION_LABELS,
    Figure,
    Kpi,
    KpiScope,
    Project,
    ProjectKind,
    Report,
)
from kouka.domain.notation import NOTHING_WRITTEN
from kouka.domain.rules import Judgement, KpiResult, judge_kpi, report_total
from kouka.render.charts import baseline_label, effect_scale_svg, figure_text, kpi_chart_svg, kpi_title

# A shape with each judgement, so the mark never relies on colour alone.
JUDGEMENT_SYMBOLS: dict[Judgement, str] = {
    Judgement.MET: "○",
    Judgement.NOT_MET: "×",
    Judgement.PENDING: "…",
    Judgement.NOT_JUDGEABLE: "－",
}

# The fragment's CSS: every rule is under .kouka-report, so it styles the publication inside a city's CMS
# page and nothing of the page around it.
FRAGMENT_STYLESHEET = """
.kouka-report { color: #1a1a1a; line-height: 1.75; max-width: 60rem;
  font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; }
.kouka-report h2 { font-size: 1.3rem; color: #1a1a1a; border: 0; border-left: 0.4rem solid #1f4e79;
  padding: 0.2rem 0 0.2rem 0.6rem; margin: 2.5rem 0 1rem; background: #eef3f8; }
.kouka-report h3 { font-size: 1.1rem; color: #1a1a1a; border: 0; border-bottom: 2px solid #1f4e79;
  margin: 1.6rem 0 0.6rem; }
.kouka-report p { margin: 0.5rem 0; }
.kouka-report .total { font-size: 1.15rem; border: 2px solid #1f4e79; padding: 0.6rem 1rem; display: inline-block; }
.kouka-report .total strong { font-size: 1.4rem; margin-left: 1rem; }
.kouka-report table { border-collapse: collapse; border: 0; width: 100%; margin: 0.6rem 0 1rem; }
.kouka-report caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
.kouka-report th, .kouka-report td { border: 1px solid #6f6f6f; padding: 0.35rem 0.55rem; vertical-align: top;
  color: #1a1a1a; background: #fff; }
.kouka-report thead th, .kouka-report tbody th { background: #eef3f8; text-align: left; font-weight: bold; }
.kouka-report td.num, .kouka-report th.num { text-align: right; white-space: nowrap; }
.kouka-report tfoot th, .kouka-report tfoot td { font-weight: bold; border-top: 3px double #1a1a1a; }
.kouka-report tfoot th { text-align: left; }
.kouka-report .nowrap { white-space: nowrap; }
.kouka-report table.kpis tbody th { width: 40%; }
.kouka-report dl.fields { display: grid; grid-template-columns: 9em 1fr; margin: 0; border-top: 1px solid #6f6f6f; }
.kouka-report dl.fields dt { font-weight: bold; background: #eef3f8; padding: 0.35rem 0.55rem;
  border-bottom: 1px solid #6f6f6f; }
.kouka-report dl.fields dd { margin: 0; padding: 0.35rem 0.55rem; border-bottom: 1px solid #6f6f6f; }
.kouka-report .note { font-size: 0.92rem; }
.kouka-report .judgement { display: inline-block; padding: 0 0.5rem; border: 1px solid; border-radius: 0.2rem;
  white-space: nowrap; font-weight: bold; }
.kouka-report .judgement.met { color: #0b5a2a; background: #e7f4ec; }
.kouka-report .judgement.not_met { color: #9b1c1c; background: #fdeceb; border-style: double; border-width: 3px; }
.kouka-report .judgement.pending { color: #5c4400; background: #fff6d9; border-style: dashed; }
.kouka-report .judgement.not_judgeable { color: #3d3d3d; background: #f0f0f0; border-style: dotted; }
.kouka-report .charts { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; margin: 0.5rem 0 1rem; }
.kouka-report figure { margin: 0; max-width: 18rem; break-inside: avoid; page-break-inside: avoid; }
.kouka-report figcaption { font-size: 0.9rem; font-weight: bold; }
.kouka-report .chart-legend { font-size: 0.85rem; color: #3d3d3d; }
.kouka-report svg.kpi-chart { max-width: 100%; height: auto; }
.kouka-report .verification { border: 1px solid #6f6f6f; padding: 0.4rem 1rem; }
.kouka-report figure.photo { max-width: 36rem; margin: 0.8rem 0; }
.kouka-report figure.photo img { display: block; max-width: 100%; height: auto; border: 1px solid #d0d0d0; }
.kouka-report figure.photo figcaption { font-size: 0.9rem; margin-top: 0.25rem; }
.kouka-report figure.effect-scale { max-width: none; margin: 0.4rem 0 0.8rem; }
.kouka-report figure.effect-scale figcaption { font-weight: normal; }
.kouka-report svg.effect-scale { width: 100%; max-width: 24rem; height: auto; display: block; }
.kouka-report p.kpi-group { font-weight: bold; margin-top: 0.8rem; }
.kouka-report table.kpi { table-layout: fixed; margin: 0.2rem 0 0.8rem; break-inside: avoid; page-break-inside: avoid; }
.kouka-report table.kpi th, .kouka-report table.kpi td { width: 20%; }
.kouka-report table.kpi th:last-child, .kouka-report table.kpi td:last-child { width: auto; }
.kouka-report table.kpi td.num { white-space: normal; }
.kouka-report section.project { break-before: auto; }
.kouka-report tr, .kouka-report dt, .kouka-report dd { break-inside: avoid; page-break-inside: avoid; }
@media print {
  .kouka-report { max-width: none; font-size: 10pt; line-height: 1.6; }
  .kouka-report h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.2rem; }
  .kouka-report h3 { break-after: avoid; page-break-after: avoid; }
  .kouka-report table { break-inside: auto; }
  .kouka-report thead { display: table-header-group; }
  .kouka-report a { color: inherit; text-decoration: none; }
}
@media screen {
  .kouka-report { container: kouka-report / inline-size; overflow-wrap: break-word; }
  .kouka-report th, .kouka-report td, .kouka-report p { word-break: normal; }
  .kouka-report table.kpis td.num { white-space: normal; word-break: auto-phrase; }
  .kouka-report table.kpis tbody th { min-width: 10em; }
  .kouka-report .judgement { white-space: normal; word-break: auto-phrase; }
  .kouka-report h2, .kouka-report h3, .kouka-report caption, .kouka-report figcaption, .kouka-report dt,
  .kouka-report .total { word-break: auto-phrase; }
  .kouka-report h2, .kouka-report h3, .kouka-report caption, .kouka-report figcaption { text-wrap: balance; }
}
""".strip()

# Where the publication is narrower than its widest table (a phone, or a city's CMS column beside a menu), a
# table with a row per item becomes a card per item, each figure under the name of its column (the cell's
# data-label); the column headings stay for screen readers. The rules hang on the width of .kouka-report itself
# (a container query), not the window's. The page gives them in a <style media="screen">, which WeasyPrint
# skips without a word.
NARROW_QUERY = "kouka-report (max-width: 44rem)"
NARROW_STYLESHEET = """
.kouka-report h2 { font-size: 1.15rem; margin: 2rem 0 0.8rem; }
.kouka-report .total { display: block; }
.kouka-report .total strong { display: block; margin: 0; white-space: nowrap; }
.kouka-report dl.fields { grid-template-columns: minmax(0, 1fr); }
.kouka-report dl.fields dt { border-bottom: 0; padding-bottom: 0; }
.kouka-report dl.fields dd { padding-top: 0.1rem; }
.kouka-report table.cards, .kouka-report table.cards caption, .kouka-report table.cards tbody,
.kouka-report table.cards tfoot, .kouka-report table.cards tr, .kouka-report table.cards th,
.kouka-report table.cards td { display: block; width: auto; }
.kouka-report table.cards th, .kouka-report table.cards td { word-break: auto-phrase; }
.kouka-report table.cards { position: relative; }
.kouka-report table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
.kouka-report table.cards tr { border: 1px solid #6f6f6f; margin: 0 0 0.8rem; }
.kouka-report table.cards th, .kouka-report table.cards td { border: 0; }
.kouka-report table.cards tbody th { width: auto; }
.kouka-report table.cards td { display: grid; grid-template-columns: 8em minmax(0, 1fr); gap: 0 0.75rem;
  align-items: start; justify-items: start; border-top: 1px solid #c8ced6; text-align: left; white-space: normal; }
.kouka-report table.cards td::before { content: attr(data-label); font-weight: bold; }
.kouka-report table.cards tfoot tr { border: 2px solid #1a1a1a; }
.kouka-report table.cards tfoot th, .kouka-report table.cards tfoot td { border-top: 0; }
.kouka-report table.cards tfoot td { border-top: 1px solid #c8ced6; }
.kouka-report .charts { gap: 1.2rem; }
.kouka-report .verification { padding: 0.3rem 0.75rem; }
""".strip()

# What only the complete page adds: its frame and the paper it prints on.
PAGE_STYLESHEET = """
.kouka-page { margin: 0 auto; padding: 1rem 1rem 3rem; max-width: 62rem; }
.kouka-page h1 { font-size: 1.6rem; line-height: 1.4; margin: 1rem 0 1.5rem;
  font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; }
.kouka-page .source { font-size: 0.85rem; color: #3d3d3d; margin-top: 3rem; }
@media screen { .kouka-page h1 { word-break: auto-phrase; text-wrap: balance; } }
@media print { .kouka-page { padding: 0; max-width: none; } }
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #3d3d3d;
    font-family: "Noto Sans CJK JP", sans-serif; } }
""".strip()

STYLESHEET = f"{FRAGMENT_STYLESHEET}\n{PAGE_STYLESHEET}"


def stylesheet() -> str:
    """The fragment's CSS with its narrow rules, for serving as a file (a city's CMS page, kouka's own pages)."""
    return f"{FRAGMENT_STYLESHEET}\n{narrow_stylesheet()}"


def narrow_stylesheet() -> str:
    """The rules for a narrow publication, in their container query."""
    return f"@container {NARROW_QUERY} {{\n{NARROW_STYLESHEET}\n}}"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _paragraphs(lines: Iterable[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return "".join(f"<p{attribute}>{_e(line)}</p>" for line in lines)


def report_heading(report: Report) -> str:
    """伊勢崎市 令和4年度 地方創生推進交付金事業の効果検証."""
    if report.title:
        return report.title
    year = format_fiscal_year(report.fiscal_year)
    return f"{report.municipality.name} {year} {report.program.name}事業の効果検証"


def project_heading(project: Project) -> str:
    notes = "".join(f" {note}" for note in project.title_notes)
    return f"事業{circled(project.number)} {project.title}{notes}"


def total_label(report: Report) -> str:
    return report.stated_total_label or f"本市交付額（{format_fiscal_year(report.fiscal_year)}）"


def total_yen(report: Report) -> int:
    """The total as the city states it, or the sum of the projects' grants when it states none."""
    return report.stated_total_yen if report.stated_total_yen is not None else report_total(report)


def money_text(project: Project) -> str:
    """996万2,058円（うち交付金充当額：498万1,029円）."""
    cost = format_yen(project.cost_yen) if project.cost_yen is not None else "－"
    if project.grant_yen is None:
        return cost
    return f"{cost}（うち交付金充当額：{format_yen(project.grant_yen)}）"


def judgement_mark(result: KpiResult, word: str = "") -> str:
    """A judgement as symbol + word in a bordered mark; the symbol is decorative, the word is the meaning (the
    publication's 達成（速報値） unless ``word`` says it in another language)."""
    label = word or result.label + ("（速報値）" if result.preliminary else "")
    symbol = JUDGEMENT_SYMBOLS[result.judgement]
    return (
        f'<span class="judgement {result.judgement.value}">'
        f'<span aria-hidden="true">{symbol} </span>{_e(label)}</span>'
    )


def _cell(label: str, html: str, css: str = "") -> str:
    """A data cell that names its column, so a phone can show it as 「事業費 996万2,058円」 on a card."""
    attribute = f' class="{css}"' if css else ""
    return f'<td{attribute} data-label="{_e(label)}">{html}</td>'


def _intro(report: Report) -> str:
    rate = report.program.rate
    parts = ['<section class="introduction" aria-labelledby="kouka-intro">',
             f'<h2 id="kouka-intro">{_e(report.program.name)}について</h2>']
    if report.introduction:
        parts.append(_paragraphs(report.introduction))
    else:
        parts.append(f"<p>事業費（交付対象経費）の{rate.numerator}/{rate.denominator}が交付金として国から交付されます。</p>")
    parts.append(f'<p class="total">{_e(total_label(report))}<strong>{_e(format_yen(total_yen(report)))}</strong></p>')
    parts.append(_summary_table(report))
    parts.append("</section>")
    return "".join(parts)


def _summary_table(report: Report) -> str:
    year = format_fiscal_year(report.fiscal_year)
    rows = []
    for project in report.projects:
        cost = format_yen(project.cost_yen) if project.cost_yen is not None else "－"
        grant = format_yen(project.grant_yen) if project.grant_yen is not None else "－"
        kind = "広域連携事業" if project.kind is ProjectKind.WIDE_AREA else "市単独事業"
        rows.append(
            f'<tr><th scope="row"><a href="#kouka-p{project.number}">{_e(project_heading(project))}</a></th>'
            f'{_cell("区分", kind, "nowrap")}{_cell("事業費", _e(cost), "num")}'
            f'{_cell("交付金充当額", _e(grant), "num")}</tr>'
        )
    total = format_yen(report_total(report))
    return (
        f"<table class=\"summary cards\"><caption>{_e(year)}の事業一覧</caption>"
        '<thead><tr><th scope="col">事業</th><th scope="col">区分</th><th scope="col" class="num">事業費</th>'
        '<th scope="col" class="num">交付金充当額</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row" colspan="3">合計</th>{_cell("交付金充当額", _e(total), "num")}</tr></tfoot>'
        "</table>"
    )


def _fields(project: Project) -> str:
    items: list[tuple[str, str]] = []
    if project.departments:
        items.append(("担当課", _e("・".join(project.departments))))
    items.append(("事業期間", _e(format_fiscal_period(project.start_year, project.end_year, spaced=True))))
    if project.kind is ProjectKind.WIDE_AREA:
        bodies = [b for b in [project.lead_body, *project.partner_bodies] if b]
        items.append(("事業の区分", "広域連携事業" + (f"（{_e(project.lead_body)}主体）" if project.lead_body else "")))
        if bodies:
            items.append(("連携自治体", _e("、".join(bodies))))
    if project.summary:
        items.append(("事業概要", _paragraphs(project.summary)))
    items.append((project.cost_label, _e(money_text(project))))
    rows = "".join(f"<dt>{_e(name)}</dt><dd>{value}</dd>" for name, value in items)
    return f'<dl class="fields">{rows}</dl>'


def _shared_baseline(kpis: list[Kpi]) -> str | None:
    """The baseline column heading when every KPI shares one baseline year."""
    labels = {baseline_label(kpi) for kpi in kpis}
    return labels.pop() if len(labels) == 1 else None


def _kpi_table(project: Project, fiscal_year: int) -> str:
    year = format_fiscal_year(fiscal_year)
    shared = _shared_baseline(project.kpis)
    scope = f"（{project.kpi_scope_label}）" if project.kpi_scope_label else ""
    columns = (shared or "基準値", f"{year}目標", f"{year}実績", "判定")
    rows = []
    for kpi in project.kpis:
        result = judge_kpi(kpi, fiscal_year)
        baseline = figure_text(kpi.baseline)
        if shared is None:
            baseline = f"{baseline_label(kpi)}：{baseline}"
        rows.append(
            f'<tr><th scope="row">{_e(kpi_title(kpi))}</th>{_cell(columns[0], _e(baseline), "num")}'
            f'{_cell(columns[1], _e(figure_text(result.target)), "num")}'
            f'{_cell(columns[2], _e(figure_text(result.actual)), "num")}'
            f"{_cell(columns[3], judgement_mark(result))}</tr>"
        )
    head = "".join(f'<th scope="col" class="num">{_e(name)}</th>' for name in columns[:3])
    return (
        f"<table class=\"kpis cards\"><caption>事業{circled(project.number)}の成果目標{_e(scope)}</caption>"
        f'<thead><tr><th scope="col">成果目標（単位）</th>{head}<th scope="col">判定</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def _charts(project: Project, fiscal_year: int) -> str:
    figures = "".join(
        f"<figure>{kpi_chart_svg(kpi, fiscal_year)}<figcaption>{_e(kpi_title(kpi))}</figcaption></figure>"
        for kpi in project.kpis
    )
    legend = '<p class="chart-legend">グラフ：灰色の棒は基準値、点線の枠は目標、紺色の棒は実績。</p>'
    return f'<div class="charts">{figures}</div>{legend}'


def _kpi_tables_on_paper(project: Project, fiscal_year: int) -> str:
    """One small table per KPI, its full name as the caption: what the PDF prints instead of :func:`_kpi_table`."""
    year = format_fiscal_year(fiscal_year)
    scope = f"（{project.kpi_scope_label}）" if project.kpi_scope_label else ""
    tables = []
    for kpi in project.kpis:
        result = judge_kpi(kpi, fiscal_year)
        tables.append(
            f'<table class="kpi"><caption>{_e(kpi_title(kpi))}</caption>'
            f'<thead><tr><th scope="col">{_e(baseline_label(kpi))}</th><th scope="col">{_e(year)}目標</th>'
            f'<th scope="col">{_e(year)}実績</th><th scope="col">判定</th></tr></thead>'
            f'<tbody><tr><td class="num">{_e(figure_text(kpi.baseline))}</td>'
            f'<td class="num">{_e(figure_text(result.target))}</td>'
            f'<td class="num">{_e(figure_text(result.actual))}</td><td>{judgement_mark(result)}</td></tr>'
            "</tbody></table>"
        )
    heading = f'<p class="kpi-group">事業{circled(project.number)}の成果目標{_e(scope)}</p>'
    return heading + "".join(tables)


def _kpi_notes(project: Project) -> str:
    notes = list(project.kpi_notes)
    if any(kpi.scope is KpiScope.WIDE_AREA for kpi in project.kpis) and not notes:
        notes.append("※広域連携事業として設定された成果目標であり、本市の事業に対応するものではありません。")
    for kpi in project.kpis:
        notes += [f"成果目標{circled(kpi.number)}：{note}" for note in kpi.notes]
    return _paragraphs(notes, "note")


def figure_html(figure: Figure) -> str:
    """A photo of the まとめ with its caption (▲…) and text alternative; without its image (a report read from a
    file, not from the web application's storage) the text alternative is printed in the image's place."""
    caption = f"<figcaption>▲{_e(figure.caption.lstrip('▲'))}</figcaption>" if figure.caption else ""
    if figure.src:
        size = f' width="{figure.width}" height="{figure.height}"' if figure.width and figure.height else ""
        image = f'<img src="{_e(figure.src)}" alt="{_e(figure.alt)}"{size}>'
    else:
        image = f'<p class="note">［写真：{_e(figure.alt)}］</p>'
    return f'<figure class="photo">{image}{caption}</figure>'


def _verification(project: Project) -> str:
    """まとめ（検証結果）: the captions published without an image, then the paragraphs with each photo after
    the paragraph the city put it after."""
    captions = _paragraphs([f"▲{c.lstrip('▲')}" for c in project.figure_captions], "note")
    paragraphs = project.verification
    parts = [captions] if captions else []
    if not paragraphs:
        parts.append(f"<p>{NOTHING_WRITTEN}</p>")
    for index in range(len(paragraphs) + 1):
        parts += [figure_html(f) for f in project.figures if min(f.after, len(paragraphs)) == index]
        if index < len(paragraphs):
            parts.append(f"<p>{_e(paragraphs[index])}</p>")
    return "".join(parts)


def _subsection(project: Project, slug: str, title: str, body: str) -> str:
    anchor = f"kouka-p{project.number}-{slug}"
    return f'<h3 id="{anchor}">{_e(title)}</h3>{body}'


def repeats_matome(text: str, project: Project) -> bool:
    """Whether ``text`` is (part of) a paragraph of the project's まとめ（検証結果）."""
    text = text.strip()
    return bool(text) and any(text in paragraph for paragraph in project.verification)


def _effect(project: Project) -> str:
    """The national scale drawn with the project's level, then the city's reason where it is not the まとめ's."""
    evaluation = project.evaluation
    if evaluation is None:
        return ""
    in_matome = repeats_matome(evaluation.text, project)
    parts = []
    if evaluation.category is not None:
        pointer = (f'。評価の理由は<a href="#kouka-p{project.number}-verification">まとめ（検証結果）</a>のとおりです。'
                   if in_matome else "")
        parts.append(f'<figure class="effect-scale">{effect_scale_svg(evaluation.category)}'
                     f"<figcaption>国の4段階評価{pointer}</figcaption></figure>")
    if evaluation.text and not in_matome:
        parts.append(_paragraphs([evaluation.text]))
    return _subsection(project, "effect", "事業の効果", "".join(parts)) if parts else ""


def _evaluation(project: Project) -> str:
    parts = [_effect(project)]
    if project.next_direction is not None or project.direction_reason:
        direction = project.next_direction
        label = direction.text if direction and direction.text else (
            DIRECTION_LABELS[direction.category] if direction and direction.category else "")
        parts.append(_subsection(project, "next", "今後の方針", _paragraphs([x for x in [label] if x])
                                 + _paragraphs(project.direction_reason)))
    if project.reviewer_opinion:
        parts.append(_subsection(project, "opinion", project.reviewer_label or "外部有識者の意見",
                                 _paragraphs(project.reviewer_opinion)))
    if project.council_remarks:
        parts.append(_subsection(project, "council", "議会の意見", _paragraphs(project.council_remarks)))
    if project.review_response:
        parts.append(_subsection(project, "response", "意見への対応", _paragraphs(project.review_response)))
    return "".join(parts)


def _project(project: Project, fiscal_year: int, paper: bool) -> str:
    heading_id = f"kouka-p{project.number}"
    parts = [
        f'<section class="project" aria-labelledby="{heading_id}">',
        f'<h2 id="{heading_id}">{_e(project_heading(project))}</h2>',
        _fields(project),
    ]
    if project.kpis:
        table = _kpi_tables_on_paper(project, fiscal_year) if paper else _kpi_table(project, fiscal_year)
        body = _kpi_notes(project) + table + _charts(project, fiscal_year)
        parts.append(_subsection(project, "kpi", "成果目標", body))
    if project.notes:
        parts.append(_subsection(project, "notes", "事業の取組", _paragraphs(project.notes)))
    parts.append(_subsection(project, "verification", "まとめ（検証結果）",
                             f'<div class="verification">{_verification(project)}</div>'))
    parts.append(_evaluation(project))
    parts.append("</section>")
    return "".join(parts)


def render_fragment(report: Report, *, paper: bool = False) -> str:
    """The publication's body for a CMS: no ``<html>``/``<head>``, headings from ``<h2>``."""
    projects = "".join(_project(project, report.fiscal_year, paper) for project in report.projects)
    return f'<div class="kouka-report" lang="ja">{_intro(report)}{projects}</div>'


def render_page(report: Report, *, paper: bool = False) -> str:
    """A complete, printable HTML page of the publication (``paper``: the PDF's layout of the KPI tables)."""
    title = report_heading(report)
    source = f'<p class="source">出典：{_e(report.source)}</p>' if report.source else ""
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLESHEET}</style>"
        f'<style media="screen">{narrow_stylesheet()}</style></head>'
        f'<body><main class="kouka-page"><h1>{_e(title)}</h1>{render_fragment(report, paper=paper)}{source}</main>'
        "</body></html>\n"
    )
