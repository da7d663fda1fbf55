"""Comparing a filled workbook with kouka field by field, and applying what may be applied.

Every offered field has three values: the base (what the workbook was made from, kept in its manifest), theirs
(what the workbook says now) and current (what kouka holds now). A three-way comparison decides each field:

==========================  ===========================  =================================================
theirs against the base     current against the base     outcome
==========================  ===========================  =================================================
the same                    anything                     nothing: kouka's value stands
changed                     the same                     a change, current → theirs
changed                     changed to the same value    nothing: kouka has it already
changed                     changed to another value     a conflict: refused for this field, kouka's stands
==========================  ===========================  =================================================

A value the workbook holds that cannot be read, or that may not be stored (:mod:`kouka.domain.validation`), is an
error for its field. Fields of projects no longer the department's (or no longer in kouka) and locked cells edited
anyway are named as untouched. The rest still applies. A workbook of another municipality, year or department is
refused whole (:class:`~kouka.exchange.errors.WorkbookRefused`).
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from kouka import interchange
from kouka.domain.checks import kpi_label, project_label
from kouka.domain.eras import format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.model import Body, Categorised, Kpi, Measurement, Project, Report
from kouka.domain.validation import kpi_problems, project_problems, report_problems
from kouka.exchange.errors import PlanInvalid, PlanStale, WorkbookRefused
from kouka.exchange.fields import FieldRef, Value, cell_text, clip, where
from kouka.exchange.meta import WorkbookMeta, nodes_by_key
from kouka.exchange.reading import CellRead, WorkbookEdit


@dataclass(frozen=True)
class Change:
    """One field to be changed: ``old`` is kouka's value now, ``new`` the workbook's."""

    ref: FieldRef
    where: str  # 事業① 成果目標② 令和5年度 実績値
    sheet: str
    cell: str
    old: Value
    new: Value

    @property
    def sentence(self) -> str:
        """事業① 成果目標② 令和5年度 実績値: 27人 → 29人."""
        kind = self.ref.field.kind
        return _("{where}: {old} → {new}").format(where=self.where, old=kind.show(self.old),
                                                  new=kind.show(self.new))


@dataclass(frozen=True)
class Notice:
    """A field or cell the plan does not apply, with the sentence that says why."""

    sentence: str
    sheet: str = ""
    cell: str = ""
    ref: FieldRef | None = None


@dataclass(frozen=True)
class Plan:
    """What uploading the workbook would do, before anything is saved."""

    meta: WorkbookMeta
    changes: tuple[Change, ...] = ()
    conflicts: tuple[Notice, ...] = ()  # changed in kouka after the workbook was made, and otherwise in it
    errors: tuple[Notice, ...] = ()  # values that cannot be read, or may not be stored
    untouched: tuple[Notice, ...] = ()  # outside the department, no longer in kouka, locked cells edited

    @property
    def digest(self) -> str:
        """A fingerprint of the changes (with the values they replace): a confirmation page sends it back, and a
        plan made again at confirmation must have the same one, or the user has not seen what would be saved."""
        data = [[c.ref.as_json(), value_json(c.old), value_json(c.new)] for c in self.changes]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()

    def projects_changed(self) -> list[str]:
        """Keys of the projects whose own fields change, in workbook order."""
        return list(dict.fromkeys(c.ref.project for c in self.changes if not c.ref.kpi))

    def kpis_changed(self) -> list[tuple[str, str]]:
        """(project key, KPI key) of the KPIs that change, in workbook order."""
        return list(dict.fromkeys((c.ref.project, c.ref.kpi) for c in self.changes if c.ref.kpi))


def value_json(value: Value) -> Any:
    """A field's value as JSON, for comparing plans."""
    if isinstance(value, Measurement):
        return interchange.measurement_json(value)
    if isinstance(value, Categorised):
        return [value.category.value if value.category is not None else None, value.text]
    return list(value) if isinstance(value, tuple) else value


def same_body(a: Body, b: Body) -> bool:
    """The same municipality: by 全国地方公共団体コード where both have one, else by prefecture and name."""
    if a.code and b.code:
        return a.code == b.code
    return a.name == b.name and (not a.prefecture or not b.prefecture or a.prefecture == b.prefecture)


def _refuse_other(meta: WorkbookMeta, municipality: Body, fiscal_year: int, department: str | None) -> None:
    def refused(other: str, this: str) -> WorkbookRefused:
        return WorkbookRefused(_("このワークブックは{other}の記入シートのため、{this}には取り込めません").format(
            other=other, this=this))

    if not same_body(meta.municipality, municipality):
        theirs, ours = meta.municipality, municipality
        raise refused(theirs.prefecture + theirs.name, ours.prefecture + ours.name)
    if meta.fiscal_year != fiscal_year:
        raise refused(format_fiscal_year(meta.fiscal_year), format_fiscal_year(fiscal_year))
    if meta.department != department:
        raise refused(meta.department or _("全課"), department or _("全課"))


@dataclass
class Planner:
    """Decides each cell of one workbook against one current report."""

    edit: WorkbookEdit
    current: Report
    department: str | None
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Notice] = field(default_factory=list)
    errors: list[Notice] = field(default_factory=list)
    untouched: list[Notice] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # projects and KPIs already said to be untouched

    def __post_init__(self) -> None:
        self.nodes = nodes_by_key(self.current)

    def plan(self) -> Plan:
        for sheet in self.edit.missing_sheets:
            self.errors.append(Notice(_("{sheet} シートが見つからないため、この事業は取り込みません").format(
                sheet=sheet), sheet))
        for read in self.edit.cells:
            if read.error:
                self.errors.append(Notice(read.error, read.entry.sheet, read.entry.cell, read.entry.ref))
            elif read.changed:
                self.decide(read)
        for locked in self.edit.locked:
            entry, text = locked.entry, clip(cell_text(locked.found))
            self.untouched.append(Notice(_("{sheet} シート {cell}: {name}は変更できない欄のため取り込みません"
                                           "（『{text}』）").format(sheet=entry.sheet, cell=entry.cell,
                                                                   name=entry.label, text=text),
                                         entry.sheet, entry.cell))
        return Plan(self.edit.meta, tuple(self.changes), tuple(self.conflicts), tuple(self.errors),
                    tuple(self.untouched))

    def _untouched_once(self, key: str, sentence: str, read: CellRead) -> None:
        if key not in self.named:
            self.named.add(key)
            self.untouched.append(Notice(sentence, read.entry.sheet, read.entry.cell, read.entry.ref))

    def node(self, read: CellRead) -> tuple[Project, Kpi | None] | None:
        """The current project and KPI of a changed cell, or None (and a notice) when it may not be changed."""
        ref = read.entry.ref
        base_project, base_kpi = self.edit.base_node(ref.project, ref.kpi)
        project = self.nodes.get((ref.project, ""), (None, None))[0]
        if project is None:
            self._untouched_once(ref.project, _("{project}「{title}」は kouka にないため、取り込みません").format(
                project=project_label(base_project), title=clip(base_project.title)), read)
            return None
        if self.department is not None and self.department not in project.departments:
            self._untouched_once(ref.project, _("{project}は{department}の担当ではないため、取り込みません").format(
                project=project_label(project), department=self.department), read)
            return None
        if not ref.kpi:
            return project, None
        kpi = self.nodes.get((ref.project, ref.kpi), (None, None))[1]
        if kpi is None:
            assert base_kpi is not None
            self._untouched_once(ref.kpi, _("{kpi}「{name}」は kouka にないため、取り込みません").format(
                kpi=kpi_label(project, base_kpi), name=clip(base_kpi.name)), read)
            return None
        return project, kpi

    def decide(self, read: CellRead) -> None:
        found = self.node(read)
        if found is None:
            return
        project, kpi = found
        entry, ref = read.entry, read.entry.ref
        kind, access = ref.field.kind, ref.field.access
        base_project, base_kpi = self.edit.base_node(ref.project, ref.kpi)
        base, current, theirs = access.get(base_project, base_kpi, ref.year), access.get(project, kpi, ref.year), \
            read.value
        place = where(ref, project, kpi)
        if kind.same(theirs, current) or kind.same(theirs, base):
            return
        conflict = self.conflict(place, kind.show(base), kind.show(current), kind.show(theirs)) \
            if not kind.same(current, base) else self.unit_changed(place, kpi, base_kpi)
        if conflict:
            self.conflicts.append(Notice(conflict, entry.sheet, entry.cell, ref))
            return
        problem = storing_problem(ref, project, kpi, theirs)
        if problem:
            self.errors.append(Notice(_("{sheet} シート {cell}: {problem}").format(
                sheet=entry.sheet, cell=entry.cell, problem=problem), entry.sheet, entry.cell, ref))
            return
        self.changes.append(Change(ref, place, entry.sheet, entry.cell, current, theirs))

    @staticmethod
    def conflict(place: str, base: str, current: str, theirs: str) -> str:
        return _("{where}: この記入シートを作った後に kouka で {base} から {current} に変更されたため、"
                 "記入シートの {theirs} は取り込みません").format(where=place, base=base, current=current,
                                                          theirs=theirs)

    @staticmethod
    def unit_changed(place: str, kpi: Kpi | None, base_kpi: Kpi | None) -> str:
        """A KPI's figure read in the unit the workbook showed, when kouka's unit is another now; "" otherwise."""
        if kpi is None or base_kpi is None or kpi.unit == base_kpi.unit:
            return ""
        return _("{where}: この記入シートを作った後に kouka で成果目標の単位が{base}から{current}に変更されたため、"
                 "取り込みません").format(where=place, base=base_kpi.unit, current=kpi.unit)


def storing_problem(ref: FieldRef, project: Project, kpi: Kpi | None, value: Value) -> str:
    """Why the field may not hold ``value`` (:mod:`kouka.domain.validation`'s sentence), or ""."""
    if kpi is None:
        def problems(node: Project) -> list[str]:
            return [f.sentence for f in project_problems(node, "$", with_kpis=False)]

        trial = replace(project)  # a shallow copy will do: a project field is put by replacing the attribute
        ref.field.access.put(trial, None, ref.year, value)
        before, after = problems(project), problems(trial)
    else:
        trial_kpi = replace(kpi, targets=dict(kpi.targets), actuals=dict(kpi.actuals))  # the series change in place
        ref.field.access.put(project, trial_kpi, ref.year, value)
        before = [f.sentence for f in kpi_problems(kpi, project, "$")]
        after = [f.sentence for f in kpi_problems(trial_kpi, project, "$")]
    new = [sentence for sentence in after if sentence not in before]
    return new[0] if new else ""


def plan_changes(edit: WorkbookEdit, current: Report, *, municipality: Body | None = None,
                 fiscal_year: int | None = None, department: str | None) -> Plan:
    """What uploading ``edit`` into ``current`` would do (nothing is changed).

    ``municipality`` and ``fiscal_year`` are those the upload is for (by default ``current``'s), ``department`` the
    department it is for (None: a workbook of every department). Raises
    :class:`~kouka.exchange.errors.WorkbookRefused` when the workbook is another municipality's, year's or
    department's.
    """
    body = municipality or current.municipality
    year = current.fiscal_year if fiscal_year is None else fiscal_year
    if not same_body(body, current.municipality) or year != current.fiscal_year:
        raise ValueError("current is not the report of the municipality and year given")
    _refuse_other(edit.meta, body, year, department)
    return Planner(edit, current, department).plan()


def apply_plan(plan: Plan, current: Report) -> Report:
    """The report with the plan's changes (``current`` itself is left as it is).

    Raises :class:`~kouka.exchange.errors.PlanStale` when a field no longer holds the value the plan was made
    against (someone saved meanwhile: make the plan again), and :class:`~kouka.exchange.errors.PlanInvalid` when
    the result would not validate (:func:`kouka.domain.validation.report_problems`).
    """
    updated = copy.deepcopy(current)
    nodes = nodes_by_key(updated)
    for change in plan.changes:
        ref = change.ref
        project, kpi = nodes.get((ref.project, ref.kpi), (None, None))
        access, kind = ref.field.access, ref.field.kind
        if project is None or not kind.same(access.get(project, kpi, ref.year), change.old):
            raise PlanStale(_("{where} が変更プランの作成後に kouka で変更されました。もう一度取り込み直してください")
                            .format(where=change.where))
        access.put(project, kpi, ref.year, change.new)
    before = {(f.path, f.message) for f in report_problems(current)}
    added = [f.sentence for f in report_problems(updated) if (f.path, f.message) not in before]
    if added:
        raise PlanInvalid(_("保存できない値があります: {problems}").format(problems="、".join(added)))
    return updated
