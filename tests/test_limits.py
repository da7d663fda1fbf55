"""One set of limits: the domain's table, the interchange schema and the database's columns say the same."""

from typing import Any

import pytest
from django import forms
from django.db import models

from kouka import interchange
from kouka.domain import limits
from kouka.web import models as web_models

# Where each limit appears in the schema: a path of keys under $defs.
SCHEMA_TEXTS: list[tuple[tuple[str, ...], limits.TextLimit]] = [
    (("text",), limits.PARAGRAPH),
    (("key",), limits.KEY),
    (("body", "properties", "name"), limits.BODY_NAME),
    (("body", "properties", "prefecture"), limits.PREFECTURE),
    (("municipality", "properties", "name"), limits.BODY_NAME),
    (("municipality", "properties", "prefecture"), limits.PREFECTURE),
    (("program", "properties", "name"), limits.PROGRAM_NAME),
    (("measurement", "properties", "unit"), limits.UNIT),
    (("measurement", "properties", "text"), limits.FIGURE_TEXT),
    (("measurement", "properties", "note"), limits.FIGURE_NOTE),
    (("kpi", "properties", "name"), limits.KPI_NAME),
    (("kpi", "properties", "unit"), limits.UNIT),
    (("kpi", "properties", "marks", "additionalProperties"), limits.MARK),
    (("categorised", "properties", "text"), limits.CATEGORY_TEXT),
    (("project", "properties", "title"), limits.PROJECT_TITLE),
    (("project", "properties", "departments", "items"), limits.DEPARTMENT),
    (("project", "properties", "lead_body"), limits.BODY_NAME),
    (("project", "properties", "partner_bodies", "items"), limits.BODY_NAME),
    (("project", "properties", "cost_label"), limits.COST_LABEL),
    (("project", "properties", "kpi_scope_label"), limits.KPI_SCOPE_LABEL),
    (("report", "properties", "title"), limits.REPORT_TITLE),
    (("report", "properties", "stated_total_label"), limits.STATED_TOTAL_LABEL),
    (("report", "properties", "source"), limits.SOURCE),
]

# Required texts an imported draft (取込途中) may leave empty, and where the finished report requires them.
DRAFT_MAY_LEAVE_EMPTY: dict[tuple[str, ...], tuple[str, ...]] = {
    ("project", "properties", "title"): ("complete", "properties", "projects", "items", "properties", "title"),
}

# The columns that hold a field of a report as staff typed it: the same length as the schema's.
COLUMNS: list[tuple[type[models.Model], str, limits.TextLimit]] = [
    (web_models.Municipality, "name", limits.BODY_NAME),
    (web_models.Municipality, "prefecture", limits.PREFECTURE),
    (web_models.Department, "name", limits.DEPARTMENT),
    (web_models.ProjectRecord, "title", limits.PROJECT_TITLE),
    (web_models.KpiRecord, "name", limits.KPI_NAME),
    (web_models.KpiRecord, "unit", limits.UNIT),
    (web_models.Comment, "text", limits.COMMENT),
    (web_models.Publication, "note", limits.CORRECTION_NOTE),
    (web_models.Membership, "display_name", limits.DISPLAY_NAME),
    (web_models.ApiToken, "name", limits.TOKEN_NAME),
    (web_models.DepartmentPart, "reason", limits.RETURN_REASON),
    (web_models.UploadTask, "department", limits.DEPARTMENT),  # the department an upload is for
]
# Columns derived from a stored report (the dashboards' facts): at least as long as what they copy.
DERIVED: list[tuple[type[models.Model], str, limits.TextLimit]] = [
    (web_models.KpiFact, "prefecture", limits.PREFECTURE),
    (web_models.KpiFact, "body_name", limits.BODY_NAME),
    (web_models.KpiFact, "project_title", limits.PROJECT_TITLE),
    (web_models.KpiFact, "project_key", limits.KEY),
    (web_models.KpiFact, "kpi_key", limits.KEY),
    (web_models.KpiFact, "kpi_name", limits.KPI_NAME),
    (web_models.KpiFact, "unit", limits.UNIT),
    (web_models.SearchEntry, "title", limits.PROJECT_TITLE),
]

# Text columns that hold no field of a report as staff typed it: codes kouka chooses, hashes, and keys derived
# from a report that kouka fits to the column itself (kouka.web.stats.facts.fitted).
NOT_TYPED: set[tuple[str, str]] = {
    ("Municipality", "slug"), ("Municipality", "code"), ("Membership", "role"), ("Cycle", "state"),
    ("Publication", "digest"), ("Change", "action"), ("Change", "target"), ("ApiToken", "scope"),
    ("ApiToken", "digest"), ("ApiToken", "prefix"), ("KpiFact", "body_code"), ("KpiFact", "kind"),
    ("KpiFact", "wide_key"), ("KpiFact", "unit_group"), ("KpiFact", "judgement"), ("AreaRollup", "kind"),
    ("AreaRollup", "unit_group"), ("AreaRollup", "prefecture"), ("BodyRollup", "kind"),
    ("BodyRollup", "unit_group"), ("BodyRollup", "prefecture"), ("BodyRollup", "body_code"),
    ("BodyRollup", "body_name"),
    # A department's part: its state is a code. A notice: the event's code (submit:12:3).
    ("DepartmentPart", "state"), ("Notice", "event"),
    # The search's folded text: title, まとめ and KPI names of a publication, derived and never edited.
    ("SearchEntry", "text"),
    # An upload kept until it is read: codes, a hash, the browser's name of the file (cut to the column by
    # kouka.web.services.imports and .workbooks) and the message kouka wrote when reading it failed.
    ("UploadTask", "kind"), ("UploadTask", "state"), ("UploadTask", "language"), ("UploadTask", "digest"),
    ("UploadTask", "filename"), ("UploadTask", "message"),
}


def _at(path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = interchange.schema()["$defs"]
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(("path", "limit"), SCHEMA_TEXTS, ids=[".".join(p) for p, _ in SCHEMA_TEXTS])
def test_schema_text_lengths_and_characters_are_the_domains(path: tuple[str, ...], limit: limits.TextLimit) -> None:
    node = _at(path)
    assert node["maxLength"] == limit.max_length
    pattern = node.get("pattern") or _at((node["$ref"].rsplit("/", 1)[1],))["pattern"]
    assert limits.CONTROL_CLASS in pattern
    assert (limits.LINE_BREAK_CLASS in pattern) is not limit.multiline
    if limit.required and path in DRAFT_MAY_LEAVE_EMPTY:
        # An imported draft may leave it empty: the finished report (the report's else branch) may not.
        assert "minLength" not in node
        report = _at(("report",))
        assert report["if"]["properties"]["draft"] == {"const": True}
        assert report["else"] == {"$ref": "#/$defs/complete"}
        assert _at(DRAFT_MAY_LEAVE_EMPTY[path])["minLength"] == 1
    elif limit.required:
        assert node["minLength"] == 1


def test_schema_numbers_are_the_domains() -> None:
    defs = interchange.schema()["$defs"]
    assert (defs["yen"]["minimum"], defs["yen"]["maximum"]) == (0, limits.MAX_YEN)
    assert defs["fiscal_year"]["maximum"] == limits.LAST_YEAR == limits.FIGURE_YEARS.last
    assert defs["fiscal_year"]["minimum"] == limits.FIGURE_YEARS.first
    assert f"[0-9]{{1,{limits.MAX_INTEGER_DIGITS}}}" in defs["decimal"]["pattern"]
    assert f"[0-9]{{1,{limits.MAX_FRACTION_DIGITS}}}" in defs["decimal"]["pattern"]
    assert defs["project"]["properties"]["number"]["maximum"] == limits.MAX_PROJECT_NUMBER
    assert defs["kpi"]["properties"]["number"]["maximum"] == limits.MAX_KPI_NUMBER


@pytest.mark.parametrize(("model", "field", "limit"), COLUMNS, ids=[f"{m.__name__}.{f}" for m, f, _ in COLUMNS])
def test_database_columns_hold_exactly_what_the_schema_allows(model: type[models.Model], field: str,
                                                              limit: limits.TextLimit) -> None:
    assert model._meta.get_field(field).max_length == limit.max_length


@pytest.mark.parametrize(("model", "field", "limit"), DERIVED, ids=[f"{m.__name__}.{f}" for m, f, _ in DERIVED])
def test_derived_columns_hold_what_they_copy(model: type[models.Model], field: str, limit: limits.TextLimit) -> None:
    column = model._meta.get_field(field)
    if isinstance(column, models.TextField) and column.max_length is None:
        return  # a text column without a length holds any text
    assert column.max_length is not None and column.max_length >= limit.max_length


def test_the_return_reasons_form_allows_what_its_column_holds() -> None:
    from kouka.web.forms import PartActionForm

    field = PartActionForm.base_fields["reason"]
    assert isinstance(field, forms.CharField)
    assert field.max_length == limits.RETURN_REASON.max_length
    assert str(field.widget.attrs["maxlength"]) == str(limits.RETURN_REASON.max_length)


def test_every_text_column_is_compared_with_a_limit_or_holds_nothing_typed() -> None:
    """A new column of text is either given its limit above or listed as holding nothing staff type."""
    from django.apps import apps

    compared = {(m.__name__, f) for m, f, _ in COLUMNS + DERIVED}
    text_columns = {(model.__name__, field.name) for model in apps.get_app_config("kouka").get_models()
                    for field in model._meta.concrete_fields if isinstance(field, models.CharField | models.TextField)}
    assert text_columns - compared - NOT_TYPED == set()
    assert compared | NOT_TYPED >= text_columns
    assert not (compared & NOT_TYPED)
