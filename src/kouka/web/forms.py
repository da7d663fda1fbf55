"""Data-entry forms. What staff type is read by the domain core (Japanese numbers, the city's KPI
notation with 速報値・集計中・事業開始前・its own reference year); the forms only collect text."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kouka.domain import limits
from kouka.domain.checks import Finding
from kouka.domain.eras import format_fiscal_year, year_mistake
from kouka.domain.errors import KoukaError
from kouka.domain.jpnumbers import format_grouped, parse_yen
from kouka.domain.model import (
    DIRECTION_LABELS,
    EFFECT_LABELS,
    Categorised,
    Direction,
    EffectLevel,
    Kpi,
    KpiScope,
    Measurement,
    NextDirection,
    Project,
    ProjectKind,
    Report,
    TargetKind,
)
from kouka.domain.notation import read_measurement, write_measurement
from kouka.importers.partial import Supplied, supplied_from
from kouka.importers.review import KpiReview, ProjectReview, Review, review_of
from kouka.web.models import Department
from kouka.web.uploads import check_upload

TEXT = {"maxlength": 4000, "rows": 4}


def paragraphs(text: str) -> list[str]:
    """A textarea's paragraphs: one per non-empty line."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def joined(lines: list[str]) -> str:
    return "\n".join(lines)


def field_of(path: str, fields: Mapping[str, str], known: Iterable[str]) -> str | None:
    """The form field a finding's JSON path names (``$.cost_yen`` → cost, ``$.actuals.2023.value`` →
    actual_2023), or None when the form has no such field (the finding is then the form's own error)."""
    parts = [p for p in re.split(r"[.\[\]]", path.removeprefix("$")) if p]
    if not parts:
        return None
    if parts[0] in ("targets", "actuals") and len(parts) > 1:
        name = f"{parts[0][:-1]}_{parts[1]}"
    else:
        name = fields.get(".".join(parts[:2]), fields.get(parts[0], parts[0]))
    return name if name in set(known) else None


def add_findings(form: forms.Form, findings: Iterable[Finding], fields: Mapping[str, str] | None = None) -> None:
    """Show each finding of :mod:`kouka.domain.validation` at the field it names."""
    for finding in findings:
        form.add_error(field_of(finding.path, fields or getattr(form, "FIELDS", {}), form.fields), finding.sentence)


class YenField(forms.CharField):
    """An amount of money as staff type it (9,962,058 or 996万2,058円), read by the domain core into integer yen;
    blank is None."""

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_yen(text)
        except KoukaError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ProjectForm(forms.Form):
    # The interchange's name of a field (a finding's path) where the form's differs.
    FIELDS: ClassVar[dict[str, str]] = {"cost_yen": "cost", "grant_yen": "grant", "period.start": "start_year",
                                        "period.end": "end_year"}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label=gettext_lazy("事業番号"), min_value=1, max_value=999)
    title = forms.CharField(label=gettext_lazy("事業名"), max_length=300)
    departments = forms.ModelMultipleChoiceField(label=gettext_lazy("担当課"), queryset=Department.objects.none(),
                                                 required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    start_year = forms.IntegerField(label=gettext_lazy("事業開始年度（西暦）"), min_value=limits.PROJECT_YEARS.first,
                                    max_value=limits.PROJECT_YEARS.last)
    end_year = forms.IntegerField(label=gettext_lazy("事業終了年度（西暦）"), min_value=limits.PROJECT_YEARS.first,
                                  max_value=limits.PROJECT_YEARS.last)
    summary = forms.CharField(label=gettext_lazy("事業概要"), required=False, max_length=8000,
                              widget=forms.Textarea(attrs=TEXT))
    cost = YenField(label=gettext_lazy("事業費（円）"), required=False, max_length=40,
                    help_text=gettext_lazy("例: 9,962,058 または 996万2,058円"))
    grant = YenField(label=gettext_lazy("交付金充当額（円）"), required=False, max_length=40)
    verification = forms.CharField(label=gettext_lazy("まとめ（検証結果）"), required=False, max_length=8000,
                                   widget=forms.Textarea(attrs={"maxlength": 8000, "rows": 8}))
    evaluation = forms.ChoiceField(label=gettext_lazy("事業の評価"), required=False,
                                   choices=[("", gettext_lazy("（未選択）"))]
                                   + [(k.value, v) for k, v in EFFECT_LABELS.items()])
    next_direction = forms.ChoiceField(
        label=gettext_lazy("今後の方針"), required=False,
        choices=[("", gettext_lazy("（未選択）"))] + [(k.value, v) for k, v in DIRECTION_LABELS.items()])
    direction_reason = forms.CharField(label=gettext_lazy("今後の方針の理由"), required=False, max_length=4000,
                                       widget=forms.Textarea(attrs=TEXT))
    kind = forms.ChoiceField(label=gettext_lazy("事業の区分"), required=False, initial=ProjectKind.SINGLE.value,
                             choices=[(ProjectKind.SINGLE.value, gettext_lazy("市単独事業")),
                                      (ProjectKind.WIDE_AREA.value, gettext_lazy("広域連携事業"))])
    partner_bodies = forms.CharField(label=gettext_lazy("連携団体（広域連携事業、1行に1団体）"), required=False,
                                     max_length=2000,
                                     widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 2}))
    kpi_scope_label = forms.CharField(label=gettext_lazy("成果目標の対象（例: 群馬県全体）"), required=False,
                                      max_length=100)

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["departments"].queryset = departments  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("終了年度が開始年度より前です"))
        return data

    @staticmethod
    def initial_for(project: Project, version: int) -> dict[str, Any]:
        return {
            "version": version, "number": project.number, "title": project.title,
            "start_year": project.start_year, "end_year": project.end_year, "summary": joined(project.summary),
            "cost": "" if project.cost_yen is None else format_grouped(project.cost_yen),
            "grant": "" if project.grant_yen is None else format_grouped(project.grant_yen),
            "verification": joined(project.verification),
            "evaluation": project.evaluation.category.value if project.evaluation and project.evaluation.category
            else "",
            "next_direction": project.next_direction.category.value
            if project.next_direction and project.next_direction.category else "",
            "direction_reason": joined(project.direction_reason),
            "kind": project.kind.value,
            "partner_bodies": joined(project.partner_bodies), "kpi_scope_label": project.kpi_scope_label,
        }

    def apply_to(self, project: Project, department_names: list[str]) -> Project:
        """A copy of ``project`` with the form's values (fields the form does not show are kept)."""
        data = self.cleaned_data
        evaluation = None
        if data["evaluation"]:
            level = EffectLevel(data["evaluation"])
            evaluation = Categorised(level, EFFECT_LABELS[level])
        direction = None
        if data["next_direction"]:
            next_direction = NextDirection(data["next_direction"])
            keep = project.next_direction.text if project.next_direction and \
                project.next_direction.category is next_direction else DIRECTION_LABELS[next_direction]
            direction = Categorised(next_direction, keep)
        if evaluation and project.evaluation and project.evaluation.category is evaluation.category:
            evaluation = project.evaluation
        return replace(
            project, number=data["number"], title=data["title"].strip(), departments=department_names,
            start_year=data["start_year"], end_year=data["end_year"], summary=paragraphs(data["summary"]),
            cost_yen=data["cost"], grant_yen=data["grant"], verification=paragraphs(data["verification"]),
            evaluation=evaluation, next_direction=direction, direction_reason=paragraphs(data["direction_reason"]),
            kind=ProjectKind(data["kind"] or ProjectKind.SINGLE.value),
            partner_bodies=paragraphs(data["partner_bodies"]), kpi_scope_label=data["kpi_scope_label"].strip(),
        )


class KpiForm(forms.Form):
    """A KPI with a target and an actual per fiscal year of the project's period."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label=gettext_lazy("成果目標番号"), min_value=1, max_value=99)
    name = forms.CharField(label=gettext_lazy("成果目標（KPI）"), max_length=300)
    unit = forms.CharField(label=gettext_lazy("単位"), max_length=20, help_text=gettext_lazy("例: 人、社、件、億円"))
    direction = forms.ChoiceField(label=gettext_lazy("目標の向き"), choices=[(Direction.HIGHER.value,
                                  gettext_lazy("多いほどよい")),
                                                             (Direction.LOWER.value, gettext_lazy("少ないほどよい"))])
    scope = forms.ChoiceField(label=gettext_lazy("対象"), choices=[(KpiScope.MUNICIPALITY.value,
                              gettext_lazy("本市の事業")),
                                                   (KpiScope.WIDE_AREA.value, gettext_lazy("広域（全体）の指標"))])
    target_kind = forms.ChoiceField(
        label=gettext_lazy("目標値の書き方"), initial=TargetKind.LEVEL.value, required=False,
        choices=[(TargetKind.LEVEL.value, gettext_lazy("各年度に到達する値（累計・水準）")),
                 (TargetKind.INCREMENT.value, gettext_lazy("各年度の増加分"))],
        help_text=gettext_lazy("地域再生計画の目標値が「1年目 +10人、2年目 +10人」のような増加分なら"
                               "「各年度の増加分」を選びます。実績値はどちらでも、その年度に測った値を入力します。"))
    baseline_year = forms.IntegerField(label=gettext_lazy("基準値の年度（西暦）"), required=False,
                                       min_value=limits.FIGURE_YEARS.first, max_value=limits.FIGURE_YEARS.last)
    baseline = forms.CharField(label=gettext_lazy("基準値"), required=False, max_length=100,
                               help_text=gettext_lazy("例: 27,700人 ／（事業開始前）"))
    notes = forms.CharField(label=gettext_lazy("注記（1行に1つ）"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 2}))

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            label = format_fiscal_year(year)
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("{year} 目標値").format(year=label), required=False, max_length=100)
            self.fields[f"actual_{year}"] = forms.CharField(
                label=_("{year} 実績値").format(year=label), required=False, max_length=100,
                help_text=gettext_lazy("例: 90社(速報値) ／ 県において集計中 ／ 11,788億円（令和元年）"))

    def fixed_fields(self) -> list[Any]:
        """The visible fields other than the per-year targets and actuals (those are :meth:`year_rows`)."""
        yearly = {f"{kind}_{year}" for year in self.years for kind in ("target", "actual")}
        return [field for field in self.visible_fields() if field.name not in yearly]

    def year_rows(self) -> list[tuple[int, Any, Any]]:
        return [(year, self[f"target_{year}"], self[f"actual_{year}"]) for year in self.years]

    def _read(self, name: str) -> Measurement | None:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        unit = self.cleaned_data.get("unit", "").strip()
        if why := year_mistake(text):
            self.add_error(name, why)
            return None
        try:
            return read_measurement(text, unit)
        except KoukaError as exc:
            self.add_error(name, str(exc))
            return None

    def measurements(self) -> tuple[Measurement | None, dict[int, Measurement], dict[int, Measurement]]:
        baseline = self._read("baseline")
        targets = {y: m for y in self.years if (m := self._read(f"target_{y}")) is not None}
        actuals = {y: m for y in self.years if (m := self._read(f"actual_{y}")) is not None}
        return baseline, targets, actuals

    @staticmethod
    def initial_for(kpi: Kpi, version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": version, "number": kpi.number, "name": kpi.name, "unit": kpi.unit,
            "direction": kpi.direction.value, "scope": kpi.scope.value,
            "target_kind": kpi.target_kind.value, "baseline_year": kpi.baseline_year,
            "baseline": write_measurement(kpi.baseline) if kpi.baseline else "", "notes": joined(kpi.notes),
        }
        for year, m in kpi.targets.items():
            initial[f"target_{year}"] = write_measurement(m)
        for year, m in kpi.actuals.items():
            initial[f"actual_{year}"] = write_measurement(m)
        return initial

    def apply_to(self, kpi: Kpi) -> Kpi:
        """A copy of ``kpi`` with the form's values; years outside the form are kept."""
        data = self.cleaned_data
        baseline, targets, actuals = self.measurements()
        kept_targets = {y: m for y, m in kpi.targets.items() if y not in self.years}
        kept_actuals = {y: m for y, m in kpi.actuals.items() if y not in self.years}
        return replace(
            kpi, number=data["number"], name=data["name"].strip(), unit=data["unit"].strip(),
            direction=Direction(data["direction"]), scope=KpiScope(data["scope"]),
            target_kind=TargetKind(data.get("target_kind") or kpi.target_kind), baseline=baseline,
            baseline_year=data["baseline_year"], targets={**kept_targets, **targets},
            actuals={**kept_actuals, **actuals}, notes=paragraphs(data["notes"]),
        )


class ReportForm(forms.Form):
    """The report as a whole: its title, introduction and the stated total (本市交付額)."""

    FIELDS: ClassVar[dict[str, str]] = {"stated_total_yen": "stated_total"}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=gettext_lazy("表題"), required=False, max_length=300)
    introduction = forms.CharField(label=gettext_lazy("はじめに（1行に1段落）"), required=False, max_length=8000,
                                   widget=forms.Textarea(attrs={"maxlength": 8000, "rows": 4}))
    stated_total_label = forms.CharField(label=gettext_lazy("交付額の見出し（例: 本市交付額（令和4年度））"),
                                         required=False,
                                         max_length=100)
    stated_total = YenField(label=gettext_lazy("交付額（円）"), required=False, max_length=40,
                            help_text=gettext_lazy("各事業の交付金充当額の合計と照合されます"))

    @staticmethod
    def initial_for(report: Report, version: int) -> dict[str, Any]:
        return {"version": version, "title": report.title, "introduction": joined(report.introduction),
                "stated_total_label": report.stated_total_label,
                "stated_total": "" if report.stated_total_yen is None else format_grouped(report.stated_total_yen)}

    def fields_json(self) -> dict[str, Any]:
        """The report-level interchange fields this form sets."""
        data = self.cleaned_data
        return {"title": data["title"].strip(), "introduction": paragraphs(data["introduction"]),
                "stated_total_label": data["stated_total_label"].strip(), "stated_total_yen": data["stated_total"]}


class DepartmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("課名"), max_length=60)


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("コメント"), max_length=4000, widget=forms.Textarea(attrs=TEXT))


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the cycle's, when the page was loaded
    note = forms.CharField(label=gettext_lazy("訂正内容（訂正版の公表時に必須）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 2}))
    acknowledged = forms.BooleanField(label=gettext_lazy("注意事項を確認しました"), required=False)


class UploadForm(forms.Form):
    """One file to import: size and kind checked by :func:`kouka.web.uploads.check_upload`; ``refusal`` is why
    the upload handler already dropped the file (too large while it streamed in)."""

    file = forms.FileField(label=gettext_lazy("ファイル（テキスト、HTML、Excel、PDF、kouka JSON）"))

    def __init__(self, *args: Any, refusal: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        if refusal:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        uploaded = self.cleaned_data["file"]
        data = uploaded.read()
        uploaded.seek(0)
        try:
            check_upload(data, uploaded.name)
        except KoukaError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return uploaded


class FiscalYearField(forms.CharField):
    """A fiscal year as staff type it (令和4年度, R4, 2022), read as ``kouka import --year`` reads it; blank is None."""

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return supplied_from(year=text).fiscal_year
        except KoukaError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ReportUploadForm(UploadForm):
    """A published report to import, and what the uploader says of it where the file does not (the same as
    ``kouka import --year 令和4年度 --municipality 伊勢崎市 --prefecture 群馬県``)."""

    year = FiscalYearField(label=gettext_lazy("対象年度（ファイルに書かれていないとき）"), required=False,
                           max_length=20, help_text=gettext_lazy("例: 令和4年度 または 2022"))
    municipality = forms.CharField(label=gettext_lazy("団体名（ファイルに書かれていないとき）"), required=False,
                                   max_length=limits.BODY_NAME.max_length,
                                   help_text=gettext_lazy("例: 伊勢崎市"))
    prefecture = forms.CharField(label=gettext_lazy("都道府県（ファイルに書かれていないとき）"), required=False,
                                 max_length=limits.PREFECTURE.max_length, help_text=gettext_lazy("例: 群馬県"))

    def supplied(self) -> Supplied | None:
        data = self.cleaned_data
        supplied = Supplied(data["year"], data["municipality"].strip(), data["prefecture"].strip())
        return supplied if supplied != Supplied() else None


# The review screen's field for each part of a path of the imported report: the report's own, a project's, a KPI's.
REVIEW_REPORT = {".fiscal_year": "fiscal_year", ".municipality.name": "municipality",
                 ".municipality.prefecture": "prefecture"}
REVIEW_PROJECT = {".title": "title", ".period.start": "start", ".period.end": "end", ".period": "start",
                  ".cost_yen": "cost", ".grant_yen": "grant"}
REVIEW_KPI = {".name": "name", ".unit": "unit", ".baseline": "baseline", ".targets": "target", ".actuals": "actual"}
REVIEW_PATH = re.compile(r"^\$\.reports\[0\](?:\.projects\[(?P<p>\d+)\](?:\.kpis\[(?P<k>\d+)\])?)?(?P<rest>.*)$")


def _by_prefix(rest: str, table: Mapping[str, str]) -> str | None:
    for prefix in sorted(table, key=len, reverse=True):
        if rest == prefix or rest.startswith((prefix + ".", prefix + "[")):
            return table[prefix]
    return None


def review_field(path: str) -> str | None:
    """The review screen's field of a JSON path (``$.reports[0].projects[1].kpis[0].targets.2022.value`` →
    ``p1_k0_target``), or None when the screen has none."""
    found = REVIEW_PATH.match(path)
    if found is None:
        return None
    rest = found["rest"]
    if found["p"] is None:
        name = _by_prefix(rest, REVIEW_REPORT)
        return name
    prefix = f"p{found['p']}_" + (f"k{found['k']}_" if found["k"] is not None else "")
    name = _by_prefix(rest, REVIEW_KPI if found["k"] is not None else REVIEW_PROJECT)
    return prefix + name if name else None


class ImportReviewForm(forms.Form):
    """The review of an imported report: every value read as an input (:func:`kouka.importers.review.review_of`),
    a checkbox to drop each project and KPI, and the fiscal year, municipality and prefecture."""

    review = forms.BooleanField(widget=forms.HiddenInput, initial=True, required=False)  # a confirm with a review
    fiscal_year = FiscalYearField(label=gettext_lazy("対象年度"), required=False, max_length=20,
                                  help_text=gettext_lazy("例: 令和4年度 または 2022"))
    municipality = forms.CharField(label=gettext_lazy("団体名"), required=False,
                                   max_length=limits.BODY_NAME.max_length)
    prefecture = forms.CharField(label=gettext_lazy("都道府県"), required=False,
                                 max_length=limits.PREFECTURE.max_length)

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        shape = review_of(report)
        kwargs.setdefault("initial", self.initial_for(shape))
        super().__init__(*args, **kwargs)
        self.shape, self.report = shape, report
        for i, project in enumerate(shape.projects):
            self.fields[f"p{i}_drop"] = forms.BooleanField(label=gettext_lazy("この事業を取り込まない"),
                                                           required=False)
            self.fields[f"p{i}_title"] = forms.CharField(label=gettext_lazy("事業名"), required=False,
                                                         max_length=limits.PROJECT_TITLE.max_length)
            self.fields[f"p{i}_start"] = FiscalYearField(label=gettext_lazy("事業開始年度"), required=False,
                                                         max_length=20)
            self.fields[f"p{i}_end"] = FiscalYearField(label=gettext_lazy("事業終了年度"), required=False,
                                                       max_length=20,
                                                       help_text=gettext_lazy("空欄なら対象年度"))
            self.fields[f"p{i}_cost"] = YenField(label=gettext_lazy("事業費（円）"), required=False, max_length=40)
            self.fields[f"p{i}_grant"] = YenField(label=gettext_lazy("交付金充当額（円）"), required=False,
                                                  max_length=40)
            for j in range(len(project.kpis)):
                self._kpi_fields(f"p{i}_k{j}_")

    def _kpi_fields(self, prefix: str) -> None:
        self.fields[prefix + "drop"] = forms.BooleanField(label=gettext_lazy("この成果目標を取り込まない"),
                                                          required=False)
        self.fields[prefix + "name"] = forms.CharField(label=gettext_lazy("成果目標（KPI）"), required=False,
                                                       max_length=limits.KPI_NAME.max_length)
        self.fields[prefix + "unit"] = forms.CharField(label=gettext_lazy("単位"), required=False,
                                                       max_length=limits.UNIT.max_length)
        for name, label in (("baseline", gettext_lazy("基準値")), ("target", gettext_lazy("目標値（対象年度）")),
                            ("actual", gettext_lazy("実績値（対象年度）"))):
            self.fields[prefix + name] = forms.CharField(label=label, required=False, max_length=100)

    @staticmethod
    def initial_for(review: Review) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "review": True, "fiscal_year": format_fiscal_year(review.fiscal_year) if review.fiscal_year else "",
            "municipality": review.municipality, "prefecture": review.prefecture}
        for i, project in enumerate(review.projects):
            initial |= {f"p{i}_title": project.title, f"p{i}_cost": _grouped(project.cost_yen),
                        f"p{i}_grant": _grouped(project.grant_yen),
                        f"p{i}_start": format_fiscal_year(project.start_year) if project.start_year else "",
                        f"p{i}_end": format_fiscal_year(project.end_year) if project.end_year else ""}
            for j, kpi in enumerate(project.kpis):
                prefix = f"p{i}_k{j}_"
                initial |= {prefix + "name": kpi.name, prefix + "unit": kpi.unit, prefix + "baseline": kpi.baseline,
                            prefix + "target": kpi.target, prefix + "actual": kpi.actual}
        return initial

    def to_review(self) -> Review:
        """What the planning division confirmed (call after ``is_valid()``)."""
        data = self.cleaned_data
        projects = []
        for i, project in enumerate(self.shape.projects):
            kpis = tuple(KpiReview(not data[f"p{i}_k{j}_drop"], *(data[f"p{i}_k{j}_{name}"] for name in (
                "name", "unit", "baseline", "target", "actual"))) for j in range(len(project.kpis)))
            projects.append(ProjectReview(not data[f"p{i}_drop"], data[f"p{i}_title"], data[f"p{i}_start"],
                                          data[f"p{i}_end"], data[f"p{i}_cost"], data[f"p{i}_grant"], kpis))
        return Review(data["fiscal_year"], data["municipality"], data["prefecture"], tuple(projects))

    def add_problems(self, findings: Iterable[Finding]) -> None:
        """Each problem of a refused confirmation at the field its path names (else the form's own error)."""
        for finding in findings:
            name = review_field(finding.path)
            self.add_error(name if name in self.fields else None, finding.sentence)


def _grouped(yen: int | None) -> str:
    return "" if yen is None else format_grouped(yen)


class PhotoForm(forms.Form):
    """A photo or figure for the まとめ: the file (checked and re-encoded by the service, kouka.web.figures), its
    caption and text alternative, and the paragraph it follows; ``refusal`` as for :class:`UploadForm`."""

    prefix = "photo"  # beside the project form on one page: its own field names and ids
    version = forms.IntegerField(widget=forms.HiddenInput)  # the project's, when the page was loaded
    image = forms.FileField(label=gettext_lazy("写真・図（JPEG・PNG・WebP、10MBまで）"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    caption = forms.CharField(label=gettext_lazy("説明（キャプション、写真の下に表示）"), required=False,
                              max_length=200)
    alt = forms.CharField(label=gettext_lazy("代替テキスト（写真が見えない人に何が写っているかを伝える文）"),
                          max_length=500)
    after = forms.TypedChoiceField(label=gettext_lazy("置く場所"), coerce=int, initial=0)

    def __init__(self, *args: Any, paragraphs: list[str] | None = None, refusal: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        if refusal:
            self.fields["image"].required = False
        texts = paragraphs or []
        choices = [(0, gettext_lazy("まとめの最初"))] + [
            (i + 1, gettext_lazy("{number}段落目「{start}…」の後").format(number=i + 1, start=text[:20]))
            for i, text in enumerate(texts)]
        after = self.fields["after"]
        assert isinstance(after, forms.TypedChoiceField)
        after.choices = choices

    def clean_image(self) -> Any:
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        return self.cleaned_data["image"]
class WorkbookUploadForm(UploadForm):
    """A filled department workbook (.xlsx) and the department it is for."""

    department = forms.ChoiceField(label=gettext_lazy("担当課"))

    def __init__(self, *args: Any, departments: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = departments or []
        self.fields["file"].label = gettext_lazy("記入済みの記入シート（.xlsx）")
        self.order_fields(["department", "file"])

    def clean_file(self) -> Any:
        uploaded = super().clean_file()
        if uploaded is not None and not uploaded.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Excelのワークブック（.xlsx）を選んでください"))
        return uploaded


class LoginForm(AuthenticationForm):
    """Django's sign-in form with a bound on the password too (the user name has one from the user model)."""

    password = forms.CharField(label=gettext_lazy("パスワード"), strip=False, max_length=256,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class NewCycleForm(forms.Form):
    fiscal_year = forms.IntegerField(label=gettext_lazy("年度（西暦）"), min_value=limits.REPORT_YEARS.first,
                                     max_value=limits.REPORT_YEARS.last)


class ReviewForm(forms.Form):
    """The reviewers' part of a project: the opinion under the city's heading, the council's remarks, the 対応."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.ChoiceField(label=gettext_lazy("見出し"), required=False, choices=[
        ("", gettext_lazy("外部有識者の意見")), ("推進会議の評価", gettext_lazy("推進会議の評価"))])
    opinion = forms.CharField(label=gettext_lazy("意見（評価）"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs=TEXT))
    council = forms.CharField(label=gettext_lazy("議会の意見（任意）"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs=TEXT))
    response = forms.CharField(label=gettext_lazy("対応（意見をどう反映するか）"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs=TEXT))

    @staticmethod
    def initial_for(project: Project, version: int) -> dict[str, Any]:
        return {"version": version, "label": project.reviewer_label, "opinion": joined(project.reviewer_opinion),
                "council": joined(project.council_remarks), "response": joined(project.review_response)}

    def review(self) -> dict[str, Any]:
        """The project fields the form sets, as the interchange names them."""
        data = self.cleaned_data
        return {"reviewer_label": data["label"], "reviewer_opinion": paragraphs(data["opinion"]),
                "council_remarks": paragraphs(data["council"]), "review_response": paragraphs(data["response"])}


class DeadlinesForm(forms.Form):
    """The planning division's deadlines of a year."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    submit_deadline = forms.DateField(label=gettext_lazy("提出期限"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    review_deadline = forms.DateField(label=gettext_lazy("確認期限"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    publish_date = forms.DateField(label=gettext_lazy("公表予定日"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))


class PartActionForm(forms.Form):
    """A step on one department's part, confirmed: the part's version when shown, the number of projects the
    confirmation named, and (for a return) the reason the department will read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(label=gettext_lazy("差し戻しの理由（担当課に表示されます）"), required=False,
                             max_length=limits.RETURN_REASON.max_length,
                             widget=forms.Textarea(attrs={"maxlength": limits.RETURN_REASON.max_length, "rows": 4}))
