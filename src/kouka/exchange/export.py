"""The department workbook, out: one .xlsx for a department and a fiscal year, filled offline and uploaded back.

Sheets: 「記入の手引き」 (who it is for, how to fill it, the projects it holds), then one sheet per project of the
department (事業①, 事業②, …; a project several departments share is in each one's workbook) laid out as the
city's own sheet reads: 事業名, 担当課, 事業期間 in 和暦, 事業の区分, 事業概要, 事業費 and 交付金充当額, a block per
成果目標 (単位, 基準値 and its year, and a column per fiscal year with 目標値 and 実績値: the earlier years as they
stand, the year being verified to fill), then まとめ（検証結果）, 事業の評価 on the national four-level scale,
今後の方針 and its reason. The last sheet, very hidden, holds the manifest (:mod:`kouka.exchange.meta`).

The cells a department fills are yellow (the convention of the city's own forms), unlocked and validated with
Excel's data validation: yen as whole numbers from 0 up to the limit of :mod:`kouka.domain.limits` (a warning
only, since 「1,929万3,030円」 typed as text is read too), figures within the stored length, years from a list
of 和暦 fiscal years, the effect scale and 今後の方針 from the national lists; each shows an example when
selected. Every other cell is locked. Workbook text (headings, guidance) is the city's form in Japanese, like
the other renderers' output; messages to people are elsewhere and translated.

Sheets print on A4 portrait, as wide as the page, with page numbers.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kouka.domain import limits
from kouka.domain.carry import kpi_key, project_key
from kouka.domain.checks import circled, project_label
from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.model import DIRECTION_LABELS, Kpi, Project, ProjectKind, Report
from kouka.exchange.errors import NothingToExport
from kouka.exchange.fields import EFFECT_SHOWN, FIELDS, FieldRef, Shown
from kouka.exchange.meta import (
    MARKER,
    SHEET,
    CellEntry,
    KpiEntry,
    LockedEntry,
    Manifest,
    ProjectEntry,
    WorkbookMeta,
    manifest_text,
)
from kouka.render.xlsx import (
    BOLD,
    BOX,
    CHUNK,
    FONT,
    FONT_NAME,
    HEADER_FILL,
    JAPANESE_CHARSET,
    LINE_HEIGHT,
    YEN_FORMAT,
    prepare_for_print,
    put,
)

GUIDE_SHEET = "記入の手引き"
TITLE_FONT = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, size=14, bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # 黄色: where the city's own forms ask for input
WRAPPED = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# The cells' looks as named styles, set once a cell: far cheaper than a font, fill, border and alignment each.
LABEL, SHOWN, INPUT, INPUT_YEN, BOXED = "kouka 見出し", "kouka 表示", "kouka 記入欄", "kouka 記入欄（金額）", "kouka 枠"


def named_styles() -> tuple[NamedStyle, ...]:
    """The styles, new for each workbook (openpyxl binds a named style to the workbook it is added to)."""
    return (NamedStyle(LABEL, font=BOLD, fill=HEADER_FILL, border=BOX, alignment=WRAPPED),
            NamedStyle(SHOWN, font=FONT, border=BOX, alignment=WRAPPED),
            NamedStyle(INPUT, font=FONT, fill=INPUT_FILL, border=BOX, alignment=WRAPPED, protection=UNLOCKED),
            NamedStyle(INPUT_YEN, font=FONT, fill=INPUT_FILL, border=BOX, alignment=WRAPPED, protection=UNLOCKED,
                       number_format=YEN_FORMAT),
            NamedStyle(BOXED, font=FONT, border=BOX, alignment=WRAPPED))
MIN_COLUMNS = 6  # A (labels) and B–F: 単位 | 基準値 | value | 基準値の年度 | value
LABEL_WIDTH, VALUE_WIDTH = 20, 16
EARLIER_YEARS = 5  # earlier fiscal years shown beside the year's (the grant's projects run at most five)
BASELINE_YEARS = 10  # how many fiscal years back the 基準値の年度 list offers
INPUT_LINES = 4  # an empty まとめ still gets room for four lines on paper
JST = timezone(timedelta(hours=9), "JST")


def department_projects(report: Report, department: str | None) -> list[Project]:
    """The projects of ``department`` (every project when None); :class:`NothingToExport` when it has none."""
    projects = [p for p in report.projects if department is None or department in p.departments]
    if not projects:
        raise NothingToExport(_("{department}が担当する事業は{year}の報告にありません").format(
            department=department, year=format_fiscal_year(report.fiscal_year)))
    return projects


def sheet_names(projects: list[Project]) -> list[str]:
    """事業①, 事業②, …; a number used twice gets 事業①（2）."""
    names: list[str] = []
    for project in projects:
        name = base = f"事業{circled(project.number)}"
        count = 1
        while name in names:
            count += 1
            name = f"{base}（{count}）"
        names.append(name)
    return names


def _validation(kind: str, report: Report) -> DataValidation:
    """Excel's check of one kind of input cell (a warning where kouka reads more than Excel can check)."""
    common = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True}
    if kind == "yen":
        return DataValidation(type="whole", operator="between", formula1="0", formula2=str(limits.MAX_YEN),
                              errorStyle="warning", errorTitle="金額（円）", promptTitle="金額（円）",
                              error="金額を円単位の数字で入力してください（「1,929万3,030円」のような書き方も読み取れます）。",
                              prompt="例: 19293030 または 1,929万3,030円", **common)
    if kind == "figure":
        length = limits.FIGURE_TEXT.max_length
        return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(length),
                              errorTitle="値", error=f"{length}文字以内で入力してください。", promptTitle="値",
                              prompt="例: 27人 ／ 90社（速報値） ／ 県において集計中 ／ 11,788億円（令和元年）",
                              **common)
    if kind == "year":
        first = report.fiscal_year - BASELINE_YEARS
        years = ",".join(format_fiscal_year(year) for year in range(report.fiscal_year, first - 1, -1))
        return DataValidation(type="list", formula1=f'"{years}"', errorStyle="warning", errorTitle="年度",
                              error="「令和5年度」のように和暦の年度で入力してください。", promptTitle="年度",
                              prompt="例: 令和5年度", **common)
    if kind in ("evaluation", "next_direction"):
        words = EFFECT_SHOWN.values() if kind == "evaluation" else DIRECTION_LABELS.values()
        return DataValidation(type="list", formula1='"' + ",".join(words) + '"', errorTitle="一覧から選択",
                              error="一覧から選んでください。", promptTitle="一覧から選択",
                              prompt="セルの右の▼から選んでください。", **common)
    return DataValidation(promptTitle="文章", prompt="段落ごとにセル内で改行（Alt＋Enter）してください。", **common)


KIND_OF_FIELD = {"cost_yen": "yen", "grant_yen": "yen", "baseline": "figure", "targets": "figure",
                 "actuals": "figure", "baseline_year": "year", "evaluation": "evaluation",
                 "next_direction": "next_direction", "verification": "text", "direction_reason": "text"}


@dataclass
class ProjectSheet:
    """Writes one project's sheet and collects what the manifest records of it."""

    sheet: Worksheet
    report: Report
    project: Project
    department: str | None
    row: int = 1
    cells: list[CellEntry] = field(default_factory=list)
    locked: list[LockedEntry] = field(default_factory=list)
    validations: dict[str, DataValidation] = field(default_factory=dict)
    paragraph_rows: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = project_key(self.report.municipality, self.project)
        self.years = self._years()
        self.width = max(MIN_COLUMNS, 1 + len(self.years))

    def _years(self) -> list[int]:
        fiscal = self.report.fiscal_year
        earlier = set(range(min(self.project.start_year, fiscal), fiscal))
        earlier |= {year for kpi in self.project.kpis for year in (*kpi.targets, *kpi.actuals) if year < fiscal}
        return [*sorted(earlier)[-EARLIER_YEARS:], fiscal]

    # --- cells -------------------------------------------------------------------------------------------------

    def _cell(self, row: int, column: int, value: Shown, style: str, last: int | None) -> Cell:
        """``value`` in a cell of ``style``, merged over ``column``–``last`` with the box drawn round every part."""
        if last is not None and last > column:  # merged first: openpyxl then has no border to copy to the parts
            self.sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=last)
            for col in range(column + 1, last + 1):
                self.sheet.cell(row=row, column=col).style = BOXED
        cell = self.sheet.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text even when it starts with "=": no formula anywhere (as render.xlsx.put)
        cell.style = style
        return cell

    def label(self, row: int, column: int, text: str, last: int | None = None) -> None:
        self._cell(row, column, text, LABEL, last)

    def show(self, row: int, column: int, value: Shown, name: str, last: int | None = None) -> None:
        """A locked cell holding ``value``; ``name`` is what the city calls it (事業① 事業名)."""
        cell = self._cell(row, column, value, SHOWN, last)
        if value is not None:
            self.locked.append(LockedEntry(self.sheet.title, cell.coordinate, name, value))

    def offer(self, row: int, column: int, ref: FieldRef, kpi: Kpi | None, last: int | None = None) -> None:
        """A cell the department fills, holding the field's value now."""
        field_ = ref.field
        value = field_.kind.write(field_.access.get(self.project, kpi, ref.year))
        style = INPUT_YEN if field_.kind is FIELDS["cost_yen"].kind else INPUT
        cell = self._cell(row, column, value, style, last)
        kind = KIND_OF_FIELD[ref.name]
        if kind not in self.validations:
            self.validations[kind] = _validation(kind, self.report)
        self.validations[kind].add(cell.coordinate)
        self.cells.append(CellEntry(ref, self.sheet.title, cell.coordinate, value))

    def line(self, label: str, value: Shown, name: str) -> None:
        self.label(self.row, 1, label)
        self.show(self.row, 2, value, name, self.width)
        self.row += 1

    # --- parts of the sheet ------------------------------------------------------------------------------------

    def write(self) -> None:
        self.heading()
        self.about()
        self.money()
        self.kpis()
        self.closing()
        self.finish()

    def heading(self) -> None:
        body = self.report.municipality
        title = f"{format_fiscal_year(self.report.fiscal_year)} 効果検証 記入シート　{project_label(self.project)}"
        put(self.sheet, 1, 1, title)
        self.sheet.cell(row=1, column=1).font = TITLE_FONT
        put(self.sheet, 2, 1, f"{body.prefecture}{body.name}　{self.department or '全課'}")
        put(self.sheet, 3, 1, "■ 黄色のセルに記入してください。ほかのセルは変更できません。")
        self.sheet.cell(row=3, column=1).fill = INPUT_FILL
        for row in (1, 2, 3):
            self.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=self.width)
        self.row = 5

    def about(self) -> None:
        p = self.project
        self.line("事業名", " ".join([p.title, *p.title_notes]), _("事業名"))
        self.line("担当課", "・".join(p.departments), _("担当課"))
        self.line("事業期間", format_fiscal_period(p.start_year, p.end_year), _("事業期間"))
        kind = "市単独事業"
        if p.kind is ProjectKind.WIDE_AREA:
            kind = f"広域連携事業（主体：{p.lead_body or '－'}／連携：{'、'.join(p.partner_bodies) or '－'}）"
        self.line("事業の区分", kind, _("事業の区分"))
        self.line("事業概要", "\n".join(p.summary) or None, _("事業概要"))

    def money(self) -> None:
        rate = self.report.program.rate
        notes = {"cost_yen": "例: 19293030 または 1,929万3,030円",
                 "grant_yen": f"事業費 × {rate.numerator}/{rate.denominator}（1円未満切り捨て）"}
        for name in ("cost_yen", "grant_yen"):
            label = self.project.cost_label if name == "cost_yen" and self.project.cost_label else "交付金充当額"
            self.label(self.row, 1, f"{label}（円）")
            self.offer(self.row, 2, FieldRef(self.key, name), None, last=3)
            put(self.sheet, self.row, 4, notes[name])
            self.sheet.merge_cells(start_row=self.row, start_column=4, end_row=self.row, end_column=self.width)
            self.row += 1
        self.row += 1

    def kpis(self) -> None:
        scope = f"（{self.project.kpi_scope_label}）" if self.project.kpi_scope_label else ""
        put(self.sheet, self.row, 1, f"成果目標{scope}")
        self.sheet.cell(row=self.row, column=1).font = BOLD
        self.row += 1
        for note in self.project.kpi_notes:
            self.show(self.row, 1, note, _("成果目標の注記"), self.width)
            self.row += 1
        for kpi in self.project.kpis:
            self.kpi(kpi)
            self.row += 1

    def kpi(self, kpi: Kpi) -> None:
        key, row = kpi_key(self.report.municipality, self.project, kpi), self.row
        where = _("成果目標{number}").format(number=circled(kpi.number))  # the sheet names the project
        self.label(row, 1, f"成果目標{circled(kpi.number)}")
        self.show(row, 2, kpi.name, where, self.width)
        self.label(row + 1, 1, "単位")
        self.show(row + 1, 2, kpi.unit or None, f"{where} {_('単位')}")
        self.label(row + 1, 3, "基準値")
        self.offer(row + 1, 4, FieldRef(self.key, "baseline", key), kpi)
        self.label(row + 1, 5, "基準値の年度")
        self.offer(row + 1, 6, FieldRef(self.key, "baseline_year", key), kpi, last=self.width)
        self.label(row + 2, 1, "年度")
        for row_offset, name in ((3, "targets"), (4, "actuals")):
            self.label(row + row_offset, 1, FIELDS[name].label)
        for column, year in enumerate(self.years, start=2):
            self.label(row + 2, column, format_fiscal_year(year))
            for row_offset, name in ((3, "targets"), (4, "actuals")):
                if year == self.report.fiscal_year:
                    self.offer(row + row_offset, column, FieldRef(self.key, name, key, year), kpi)
                    continue
                series = kpi.targets if name == "targets" else kpi.actuals
                shown = FIELDS[name].kind.write(series.get(year))
                self.show(row + row_offset, column, shown,
                          f"{where} {format_fiscal_year(year)} {FIELDS[name].label}")
        self.row = row + 5

    def closing(self) -> None:
        """まとめ and the judgement, on a page of their own: a form whose second page is the verification."""
        self.sheet.row_breaks.append(Break(id=self.row - 1))
        for name in ("verification", "evaluation", "next_direction", "direction_reason"):
            self.label(self.row, 1, FIELDS[name].label)
            self.offer(self.row, 2, FieldRef(self.key, name), None, last=self.width)
            if name in ("verification", "direction_reason"):
                self.paragraph_rows.append(self.row)
            self.row += 1

    def finish(self) -> None:
        sheet = self.sheet
        sheet.column_dimensions["A"].width = LABEL_WIDTH
        for column in range(2, self.width + 1):
            sheet.column_dimensions[get_column_letter(column)].width = VALUE_WIDTH
        for validation in self.validations.values():
            sheet.add_data_validation(validation)
        prepare_for_print(sheet, "1:2", landscape=False)  # the sheet's title and body on every page
        for row in self.paragraph_rows:  # room to write by hand on a printed form, or to see a typed one
            height = sheet.row_dimensions[row].height or LINE_HEIGHT
            sheet.row_dimensions[row].height = max(height, INPUT_LINES * LINE_HEIGHT)
        sheet.sheet_view.showGridLines = False
        protect(sheet)


def protect(sheet: Worksheet) -> None:
    """Lock every cell not unlocked on purpose; rows and columns may still be resized.

    Protection without a password: it keeps a clerk from typing over a label or a figure by accident, and is not
    security (Excel's sheet protection, with a password or without, comes off in seconds). What keeps kouka's
    data safe is the upload, which reads only the cells offered and names any locked cell found changed.
    """
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # a long まとめ needs a taller row
    sheet.protection.formatColumns = False


def _guide(sheet: Worksheet, report: Report, department: str | None, projects: list[Project],
           names: list[str], exported_at: datetime) -> None:
    sheet.title = GUIDE_SHEET
    body = report.municipality
    lines = [
        (f"{format_fiscal_year(report.fiscal_year)} {report.program.name} 効果検証 記入シート", TITLE_FONT),
        (f"{body.prefecture}{body.name}　{department or '全課'}", BOLD),
        (f"作成日時: {exported_at.astimezone(JST):%Y年%m月%d日 %H:%M}（kouka から書き出し）", None),
        (None, None),
        ("記入のしかた", BOLD),
        ("1. 事業ごとのシートの黄色のセルに記入してください。ほかのセルは変更できません。", None),
        ("2. 数値は「27人」「1,929万3,030円」のように単位を付けても、数字だけでもかまいません。"
         "速報値は「90社（速報値）」、集計中のときは「県において集計中」のように書いてください。", None),
        ("3. 年度は「令和5年度」のように和暦で書いてください。事業の評価と今後の方針は、セルの▼から選んでください。",
         None),
        ("4. まとめ（検証結果）などの文章は、段落ごとにセル内で改行（Alt＋Enter）してください。", None),
        ("5. 記入が終わったら保存し、kouka に取り込んでください。保存する前に、変更点の一覧が表示されます。"
         "このシートを作った後に kouka で変更された欄は、上書きせずにお知らせします。", None),
        ("6. シートの追加・削除・名前の変更はしないでください。", None),
        (None, None),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        if text is not None:
            put(sheet, row, 1, text)
            if font is not None:
                sheet.cell(row=row, column=1).font = font
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    row = len(lines) + 1
    for column, header in enumerate(("シート", "事業名", "担当課", "事業期間"), start=1):
        put(sheet, row, column, header)
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BOX
    for project, name in zip(projects, names, strict=True):
        row += 1
        for column, value in enumerate((name, project.title, "・".join(project.departments),
                                        format_fiscal_period(project.start_year, project.end_year)), start=1):
            put(sheet, row, column, value)
            sheet.cell(row=row, column=column).border = BOX
    for letter, width in zip("ABCD", (12, 50, 26, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    prepare_for_print(sheet, None, landscape=False)
    sheet.sheet_view.showGridLines = False
    protect(sheet)


def _manifest_sheet(sheet: Worksheet, manifest: Manifest) -> None:
    text = manifest_text(manifest)
    put(sheet, 1, 1, MARKER)
    for index, start in enumerate(range(0, len(text), CHUNK)):
        put(sheet, index + 2, 1, text[start : start + CHUNK])
    sheet.sheet_state = "veryHidden"  # not listed by Excel's 再表示 (unhide) either
    protect(sheet)


def _entries(report: Report, projects: list[Project], names: list[str],
             versions: Mapping[str, int]) -> tuple[ProjectEntry, ...]:
    body = report.municipality
    entries = []
    for project, name in zip(projects, names, strict=True):
        key = project_key(body, project)
        kpis = tuple(KpiEntry(kpi_key(body, project, kpi), kpi.number, versions.get(kpi_key(body, project, kpi)))
                     for kpi in project.kpis)
        entries.append(ProjectEntry(key, project.number, name, versions.get(key), kpis))
    return tuple(entries)


def export_workbook(report: Report, department: str | None, *, exported_at: datetime | None = None,
                    versions: Mapping[str, int] | None = None) -> bytes:
    """The department workbook (.xlsx bytes) of ``department``'s projects in ``report`` (every project when None).

    ``versions`` (optional) are the stored records' versions by project or KPI key, kept in the manifest for the
    caller. Raises :class:`NothingToExport` when the department has no project in the report.
    """
    projects = department_projects(report, department)
    names = sheet_names(projects)
    moment = exported_at or datetime.now(UTC)
    workbook = Workbook()
    for style in named_styles():
        workbook.add_named_style(style)
    _guide(workbook.active, report, department, projects, names, moment)
    cells: list[CellEntry] = []
    locked: list[LockedEntry] = []
    for project, name in zip(projects, names, strict=True):
        writer = ProjectSheet(workbook.create_sheet(name), report, project, department)
        writer.write()
        cells += writer.cells
        locked += writer.locked
    meta = WorkbookMeta(report.municipality, report.fiscal_year, department, moment,
                        _entries(report, projects, names, versions or {}))
    base = Report(report.municipality, report.fiscal_year, report.program, projects=projects)
    _manifest_sheet(workbook.create_sheet(SHEET), Manifest(meta, base, tuple(cells), tuple(locked)))
    workbook.security = WorkbookProtection(lockStructure=True)  # no sheet added, removed, renamed or unhidden
    workbook.properties.creator = "kouka"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
