"""The interchange format: kouka's JSON documents (``"schema": "kouka/1"``).

Load and save are lossless. A document that breaks the schema is refused with an
:class:`InterchangeError` naming the JSON path of the first problem.
"""

import json
import os
import re
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kouka.atomicfile import write_atomically
from kouka.domain import limits, model
from kouka.domain.eras import YearRef
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _, gettext_noop
from kouka.domain.model import Body, Document, Figure, Kpi, Measurement, Project, ProjectKind, Report

if TYPE_CHECKING:  # jsonschema itself is imported only when the fast validator refuses a document
    import jsonschema

SCHEMA_ID = "kouka/1"

JSON = dict[str, Any]


class InterchangeError(KoukaError):
    """A document that is not valid kouka JSON; ``path`` is a JSON path such as $.reports[0].projects[1]."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


@cache
def schema() -> JSON:
    text = resources.files("kouka").joinpath("schema/kouka.schema.json").read_text(encoding="utf-8")
    loaded: JSON = json.loads(text)
    return loaded


def _json_path(error: "jsonschema.ValidationError") -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema())


def _fast_valid(data: Any) -> bool:
    """True when the compiled (Rust) validator accepts ``data``: some 300 times faster than ``jsonschema``.

    It only ever lets a document through; whatever it does not accept (or cannot represent, such as an integer
    beyond 64 bits) goes to ``jsonschema``, which decides and names the first problem, so what is refused and
    the message are the reference validator's.
    """
    try:
        return bool(_fast_validator().is_valid(data))
    except Exception:  # a value the Rust validator cannot take: let the reference validator decide
        return False


def validate(data: Any) -> None:
    """Raise :class:`InterchangeError` at the first schema violation (the deepest, most precise one)."""
    if isinstance(data, dict) and "schema" in data and data["schema"] != SCHEMA_ID:
        raise InterchangeError(
            _("スキーマ版 {value!r} には対応していません（{SCHEMA_ID} のみ）").format(
                value=data["schema"], SCHEMA_ID=SCHEMA_ID), "$.schema")
    if _fast_valid(data):
        return
    import jsonschema  # the reference validator decides and names the first problem: slow to import, so only now

    validator = jsonschema.Draft202012Validator(schema())
    errors = list(validator.iter_errors(data))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise InterchangeError(schema_message(best), _json_path(best))


# The schema object a path's last container holds: $.reports[0].projects[1] is a project.
_OBJECT_OF = {"reports": "report", "projects": "project", "kpis": "kpi", "municipality": "municipality",
              "program": "program", "baseline": "measurement", "targets": "measurement", "actuals": "measurement",
              "evaluation": "categorised", "next_direction": "categorised"}


def field_label(parts: list[str | int]) -> str:
    """The city's word for the field at a path: [reports, 0, projects, 1, title] → 事業名."""
    keys = [part for part in parts if isinstance(part, str) and not part.isdigit()]  # years key targets and marks
    for index in range(len(keys) - 1, 0, -1):
        label = limits.LABELS.get((_OBJECT_OF.get(keys[index - 1], ""), keys[index]))
        if label:
            return _(label)
    return _("この欄")


_PATH_RE = re.compile(r"\$(?:\.[A-Za-z_]+|\[\d+\])+")
_PATH_PART_RE = re.compile(r"\.([A-Za-z_]+)|\[(\d+)\]")


def readable_place(path: str) -> str:
    """A JSON path as a person names the place: $.reports[0].projects[1].kpis[0].unit → 2番目の事業 1番目の成果目標
    単位 (the numbers are positions in the file, which need not be the projects' own numbers)."""
    parts: list[str | int] = [key if key else int(index) for key, index in _PATH_PART_RE.findall(path)]
    words: list[str] = []
    for previous, part in zip([None, *parts], parts, strict=False):
        if isinstance(part, int) and previous == "projects":
            words.append(_("{n}番目の事業").format(n=part + 1))
        elif isinstance(part, int) and previous == "kpis":
            words.append(_("{n}番目の成果目標").format(n=part + 1))
    if parts and isinstance(parts[-1], str):
        label = field_label(parts)
        if label != _("この欄"):
            words.append(label)
    return " ".join(words) or _("報告")


def readable_paths(text: str) -> str:
    """``text`` with every JSON path in it written as :func:`readable_place` says, for pages people read."""
    return _PATH_RE.sub(lambda match: readable_place(match.group(0)), text)


def schema_message(error: "jsonschema.ValidationError") -> str:
    """A schema violation in words: 事業名が長すぎます（412文字、上限300文字）, or the validator's own."""
    value, limit = error.instance, error.validator_value
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(value, dict) and isinstance(limit, list):
        path += [name for name in limit if name not in value][:1]  # the field that is missing
    label = field_label(path)
    if error.validator == "maxLength" and isinstance(value, str):
        return _("{field}が長すぎます（{length}文字、上限{limit}文字）").format(
            field=label, length=f"{len(value):,}", limit=f"{limit:,}")
    if error.validator == "pattern" and isinstance(value, str) and limits.CONTROL_CLASS in str(limit):
        return _("{field}に使えない文字（制御文字、または1行の欄の改行・タブ）が含まれています").format(field=label)
    if error.validator in ("minimum", "maximum") and isinstance(value, int | float):
        bound = _("下限") if error.validator == "minimum" else _("上限")
        return _("{field}の値 {value} が範囲（{bound} {limit}）の外です").format(
            field=label, value=value, bound=bound, limit=limit)
    return _(SCHEMA_WORDS.get(str(error.validator), SCHEMA_OTHER)).format(field=label)


# What a schema violation means, in words (the validator's own message is English and quotes raw JSON).
SCHEMA_OTHER = gettext_noop("{field}の値が正しくありません")
SCHEMA_WORDS = {
    "required": gettext_noop("{field}がありません"),
    "minLength": gettext_noop("{field}が空です"),
    "type": gettext_noop("{field}の形式が正しくありません（文字・数値・一覧の別が違います）"),
    "enum": gettext_noop("{field}の値が決められた選択肢のどれでもありません"),
    "const": gettext_noop("{field}の値が決められた値ではありません"),
    "pattern": gettext_noop("{field}の書き方が正しくありません"),
    "additionalProperties": gettext_noop("{field}に知らない項目があります"),
    "minItems": gettext_noop("{field}が空です"),
    "maxItems": gettext_noop("{field}の数が多すぎます"),
}


# --- from JSON ---------------------------------------------------------------
# The readers of one node (a measurement, a KPI, a project, a report) trust their input: kouka wrote it, or
# :func:`from_json` validated the whole document first. Validation happens at the edges (a file loaded, an
# upload, the API's input), not each time stored data is read back.


def _year_ref(data: JSON | None) -> YearRef | None:
    if data is None:
        return None
    return YearRef(data["year"], fiscal=data["fiscal"], month=data.get("month"))


def measurement_from_json(data: JSON | None) -> Measurement | None:
    if data is None:
        return None
    value = data["value"]
    return Measurement(
        value=None if value is None else Decimal(value),
        unit=data["unit"],
        status=model.MeasurementStatus(data["status"]),
        reference=_year_ref(data.get("reference")),
        text=data.get("text", ""),
        note=data.get("note", ""),
        approximate=data.get("approximate", False),
    )


def _by_year(data: JSON) -> dict[int, Measurement]:
    result: dict[int, Measurement] = {}
    for year, item in data.items():
        measurement = measurement_from_json(item)
        assert measurement is not None
        result[int(year)] = measurement
    return result


def kpi_from_json(data: JSON) -> Kpi:
    """One KPI from its interchange JSON (as :func:`kpi_json` writes it)."""
    return Kpi(
        number=data["number"],
        name=data["name"],
        unit=data["unit"],
        direction=model.Direction(data.get("direction", "higher")),
        scope=model.KpiScope(data.get("scope", "municipality")),
        baseline=measurement_from_json(data.get("baseline")),
        baseline_year=data.get("baseline_year"),
        targets=_by_year(data.get("targets", {})),
        actuals=_by_year(data.get("actuals", {})),
        marks={int(year): mark for year, mark in data.get("marks", {}).items()},
        notes=list(data.get("notes", [])),
        key=data.get("key", ""),
        target_kind=model.TargetKind(data.get("target_kind", "level")),
    )


def _evaluation(data: JSON | None) -> model.Categorised[model.EffectLevel] | None:
    if data is None:
        return None
    category = data["category"]
    return model.Categorised(None if category is None else model.EffectLevel(category), data["text"])


def _next_direction(data: JSON | None) -> model.Categorised[model.NextDirection] | None:
    if data is None:
        return None
    category = data["category"]
    return model.Categorised(None if category is None else model.NextDirection(category), data["text"])


def project_from_json(data: JSON) -> Project:
    """One project from its interchange JSON, with its KPIs (``"kpis"`` may be left out: none)."""
    return Project(
        number=data["number"],
        title=data["title"],
        start_year=data["period"]["start"] or 0,  # null: not yet known in an imported draft
        end_year=data["period"]["end"] or 0,
        title_notes=list(data.get("title_notes", [])),
        departments=list(data.get("departments", [])),
        summary=list(data.get("summary", [])),
        kind=ProjectKind(data.get("kind", "single")),
        lead_body=data.get("lead_body", ""),
        partner_bodies=list(data.get("partner_bodies", [])),
        cost_label=data.get("cost_label", "事業費"),
        cost_yen=data.get("cost_yen"),
        grant_yen=data.get("grant_yen"),
        kpi_scope_label=data.get("kpi_scope_label", ""),
        kpi_notes=list(data.get("kpi_notes", [])),
        kpis=[kpi_from_json(item) for item in data.get("kpis", [])],
        verification=list(data.get("verification", [])),
        figure_captions=list(data.get("figure_captions", [])),
        figures=[figure_from_json(item) for item in data.get("figures", [])],
        notes=list(data.get("notes", [])),
        reviewer_opinion=list(data.get("reviewer_opinion", [])),
        reviewer_label=data.get("reviewer_label", ""),
        council_remarks=list(data.get("council_remarks", [])),
        review_response=list(data.get("review_response", [])),
        evaluation=_evaluation(data.get("evaluation")),
        next_direction=_next_direction(data.get("next_direction")),
        direction_reason=list(data.get("direction_reason", [])),
        key=data.get("key", ""),
    )


def report_from_json(data: JSON) -> Report:
    """One report from its interchange JSON (an item of a document's ``"reports"``)."""
    municipality = data["municipality"]
    program = data["program"]
    return Report(
        municipality=Body(municipality["name"], municipality.get("prefecture", ""), municipality.get("code", "")),
        fiscal_year=data["fiscal_year"] or 0,  # null: not yet known in an imported draft
        program=model.GrantProgram(program["name"], Fraction(program["rate"])),
        title=data.get("title", ""),
        introduction=list(data.get("introduction", [])),
        stated_total_yen=data.get("stated_total_yen"),
        stated_total_label=data.get("stated_total_label", ""),
        projects=[project_from_json(item) for item in data["projects"]],
        source=data.get("source", ""),
        draft=bool(data.get("draft", False)),
    )


def from_json(data: Any) -> Document:
    """Validate ``data`` (parsed JSON) and build the domain document."""
    validate(data)
    return document_from_json(data)


def document_from_json(data: JSON) -> Document:
    """The domain document of ``data`` without validating it: for documents kouka wrote (a stored publication)."""
    return Document([report_from_json(item) for item in data["reports"]])


# --- to JSON -----------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def _year_ref_json(ref: YearRef | None) -> JSON | None:
    return None if ref is None else {"year": ref.year, "fiscal": ref.fiscal, "month": ref.month}


def measurement_json(m: Measurement | None) -> JSON | None:
    if m is None:
        return None
    return {
        "value": None if m.value is None else _decimal_text(m.value),
        "unit": m.unit,
        "status": m.status.value,
        "reference": _year_ref_json(m.reference),
        "text": m.text,
        "note": m.note,
        "approximate": m.approximate,
    }


def _by_year_json(values: dict[int, Measurement]) -> JSON:
    return {str(year): measurement_json(values[year]) for year in sorted(values)}


def kpi_json(kpi: Kpi) -> JSON:
    data: JSON = {
        "number": kpi.number,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction.value,
        "scope": kpi.scope.value,
        "baseline": measurement_json(kpi.baseline),
        "baseline_year": kpi.baseline_year,
        "targets": _by_year_json(kpi.targets),
        "actuals": _by_year_json(kpi.actuals),
        "marks": {str(year): kpi.marks[year] for year in sorted(kpi.marks)},
        "notes": list(kpi.notes),
    }
    if kpi.key:  # written only when set, so files without keys round-trip unchanged
        data["key"] = kpi.key
    if kpi.target_kind is not model.TargetKind.LEVEL:  # written only when not the default, likewise
        data["target_kind"] = kpi.target_kind.value
    return data


def _categorised_json(value: model.Categorised[Any] | None) -> JSON | None:
    if value is None:
        return None
    return {"category": None if value.category is None else value.category.value, "text": value.text}


def project_json(p: Project, *, with_kpis: bool = True) -> JSON:
    """One project's interchange JSON; ``with_kpis=False`` leaves ``"kpis"`` out (the web stores them apart)."""
    data: JSON = {
        "number": p.number,
        "title": p.title,
        "title_notes": list(p.title_notes),
        "departments": list(p.departments),
        "period": {"start": p.start_year or None, "end": p.end_year or None},
        "summary": list(p.summary),
        "kind": p.kind.value,
        "lead_body": p.lead_body,
        "partner_bodies": list(p.partner_bodies),
        "cost_label": p.cost_label,
        "cost_yen": p.cost_yen,
        "grant_yen": p.grant_yen,
        "kpi_scope_label": p.kpi_scope_label,
        "kpi_notes": list(p.kpi_notes),
    }
    if with_kpis:  # in its place among the keys, so a file written again is the same text
        data["kpis"] = [kpi_json(kpi) for kpi in p.kpis]
    data |= {
        "verification": list(p.verification),
        "figure_captions": list(p.figure_captions),
        "notes": list(p.notes),
        "reviewer_opinion": list(p.reviewer_opinion),
        "evaluation": _categorised_json(p.evaluation),
        "next_direction": _categorised_json(p.next_direction),
        "direction_reason": list(p.direction_reason),
    }
    if p.figures:  # only where there are some, so a file without photos is written as before
        data["figures"] = [figure_json(f) for f in p.figures]
    for name in ("reviewer_label", "council_remarks", "review_response"):  # written only when the city has them
        if getattr(p, name):
            data[name] = getattr(p, name) if name == "reviewer_label" else list(getattr(p, name))
    if p.key:
        data["key"] = p.key
    return data


def figure_from_json(data: JSON) -> Figure:
    """A photo of a まとめ: {"name": "figures/3f…c1.jpg", "caption": "…", "alt": "…", "after": 1, …}."""
    return Figure(name=data["name"], caption=data.get("caption", ""), alt=data.get("alt", ""),
                  after=data.get("after", 0), width=data.get("width", 0), height=data.get("height", 0),
                  media_type=data.get("media_type", "image/jpeg"))


def figure_json(f: Figure) -> JSON:
    """A figure's interchange JSON: where its image is stored, never the image itself."""
    return {"name": f.name, "caption": f.caption, "alt": f.alt, "after": f.after, "width": f.width,
            "height": f.height, "media_type": f.media_type}


def report_json(r: Report) -> JSON:
    rate = r.program.rate
    data: JSON = {"draft": True} if r.draft else {}
    return data | {
        "municipality": {"name": r.municipality.name, "prefecture": r.municipality.prefecture,
                         "code": r.municipality.code},
        "fiscal_year": r.fiscal_year or None,
        "program": {"name": r.program.name, "rate": f"{rate.numerator}/{rate.denominator}"},
        "title": r.title,
        "introduction": list(r.introduction),
        "stated_total_yen": r.stated_total_yen,
        "stated_total_label": r.stated_total_label,
        "source": r.source,
        "projects": [project_json(p) for p in r.projects],
    }


def to_json(document: Document) -> JSON:
    return {"schema": SCHEMA_ID, "reports": [report_json(r) for r in document.reports]}


def dumps(document: Document) -> str:
    return json.dumps(to_json(document), ensure_ascii=False, indent=2) + "\n"


MAX_INTEGER_DIGITS = 100  # far beyond any amount or value of a report; Python refuses 4,300 with a ValueError


class _HugeInteger(Exception):
    """Raised inside json.loads by :func:`_bounded_int`; :func:`parse_json` turns it into an InterchangeError."""


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _HugeInteger(digits)
    return int(digits)


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def parse_json(text: str, *, source: str = "") -> Any:
    """``json.loads`` with every integer of more than :data:`MAX_INTEGER_DIGITS` digits refused with its place:
    ``InterchangeError('数値の桁数が多すぎます（5000桁、上限100桁）… (line 3, column 18)')``."""
    try:
        return json.loads(text, parse_int=_bounded_int)
    except _HugeInteger as exc:
        digits = str(exc.args[0])
        found = re.search(f"-?[0-9]{{{MAX_INTEGER_DIGITS + 1},}}", text)
        line, column = _position(text, found.start()) if found else (0, 0)
        where = f"{source}:" if source else ""
        raise InterchangeError(
            _("数値の桁数が多すぎます（{digits:,}桁、上限{limit}桁）（{where}{line}行{column}列目）").format(
                digits=len(digits.lstrip("-")), limit=MAX_INTEGER_DIGITS, where=where, line=line, column=column),
            "") from None


def loads(text: str, *, source: str = "") -> Document:
    """Parse and validate a kouka JSON text."""
    try:
        data = parse_json(text, source=source)
    except RecursionError as exc:
        raise InterchangeError(_("JSONの入れ子が深すぎます"), "") from exc
    except json.JSONDecodeError as exc:
        where = f"{source}:" if source else ""
        raise InterchangeError(
            _("JSONとして読めません（{where}{line}行目{column}文字目: {reason}）").format(
                reason=exc.msg, where=where, line=exc.lineno, column=exc.colno),
            "") from exc
    return from_json(data)


def load_bytes(data: bytes, *, source: str = "") -> Document:
    """Decode (UTF-8, with or without a BOM), parse and validate a kouka JSON file's bytes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterchangeError(_("UTF-8 ではありません（{start}バイト目: {reason}）").format(
            reason=exc.reason, start=exc.start), "") from exc
    return loads(text, source=source)


def load(path: str | os.PathLike[str]) -> Document:
    """Read a kouka JSON file; any problem is an :class:`InterchangeError` naming the file."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InterchangeError(_("{file}: 読めません（{strerror}）").format(
            file=file, strerror=exc.strerror), "") from exc
    try:
        return load_bytes(data, source=str(file))
    except InterchangeError as exc:
        raise InterchangeError(f"{file}: {exc}", "") from exc


def save(document: Document, path: str | os.PathLike[str]) -> None:
    write_atomically(path, dumps(document))
