"""The JSON API (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

Public read of published data; authenticated write with the same permissions as the pages
(session sign-in with CSRF, so the API is as safe as the forms).
"""

from dataclasses import replace
from typing import Annotated, Any

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status
from ninja.security import django_auth

from kouka import interchange
from kouka.domain.checks import check_report
from kouka.domain.errors import KoukaError
from kouka.domain.notation import read_measurement
from kouka.domain.rules import judge_kpi
from kouka.web import dbrouter, history, mapping, workflow
from kouka.web.models import KpiRecord, Membership, ProjectRecord
from kouka.web.permissions import (
    Denied,
    can_comment,
    cycle_for,
    membership,
    project_for,
    require_edit,
    visible_projects,
)
from kouka.web.reading import read_aloud
from kouka.web.views.public import _publication, published_cycles

api = NinjaAPI(title="kouka API", version="1", urls_namespace="kouka-api",
               description="地方創生交付金事業の効果検証データ / effect verification data")


STALE = "他の人が先に保存しました。最新の内容を読み込んでください / stale version: reload and try again"


class YearOut(Schema):
    municipality: str
    slug: str
    fiscal_year: int
    revision: int


class ProjectSummary(Schema):
    number: int
    title: str
    departments: list[str]
    version: int


class FindingOut(Schema):
    severity: str
    code: str
    message: str
    path: str
    where: str


class CycleOut(Schema):
    fiscal_year: int
    state: str
    revision: int
    version: int  # send it back with a transition: a stale one is refused with 409
    projects: list[ProjectSummary]
    findings: list[FindingOut]


class MeasurementIn(Schema):
    text: str = Field(max_length=100)
    version: int


class KpiOut(Schema):
    number: int
    name: str
    unit: str
    version: int
    judgement: str
    data: dict[str, Any]


class CommentIn(Schema):
    text: str = Field(max_length=4000)


class TransitionIn(Schema):
    note: str = Field("", max_length=2000)
    version: int | None = None  # the cycle's version the client saw (GET /staff/cycles/{year}); stale → 409


class Message(Schema):
    detail: str


def _member(request: HttpRequest) -> Membership:
    found = membership(request.user)
    if found is None:
        raise HttpError(403, "職員としての所属がありません / no staff membership")
    return found


@api.exception_handler(Denied)
def _denied(request: HttpRequest, exc: Denied) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": "見つかりません / not found"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    """A body the schema refuses (too long, wrong type): a message first, then pydantic's details."""
    return api.create_response(request, {
        "detail": "入力が長すぎるか、形式が正しくありません / the input is too long or malformed",
        "errors": exc.errors}, status=422)


@api.exception_handler(KoukaError)
def _domain_error(request: HttpRequest, exc: KoukaError) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.get("/public/reports", response=list[YearOut], tags=["public"])
def public_reports(request: HttpRequest) -> list[YearOut]:
    return [YearOut(municipality=c.municipality.name, slug=c.municipality.slug, fiscal_year=c.fiscal_year,
                    revision=c.revision) for c in published_cycles().order_by("municipality__slug", "-fiscal_year")]


@api.get("/public/reports/{slug}/{year}", response=dict[str, Any], tags=["public"])
def public_report(request: HttpRequest, slug: str, year: int) -> dict[str, Any]:
    """The latest published revision as a kouka/1 interchange document."""
    _, publication, report = _publication(slug, year)
    data = dict(publication.document)
    _ = report
    data["revision"] = {"number": publication.revision, "note": publication.note,
                        "published_at": publication.published_at.isoformat()}
    return data


class ReadingOut(Schema):
    ok: bool
    reading: str


@api.get("/staff/reading", response=ReadingOut, auth=django_auth, tags=["staff"])
def reading(request: HttpRequest, text: str, unit: str = "") -> ReadingOut:
    """How a typed figure is read (``90社(速報値)`` → 値 90社・速報値), for feedback as staff type."""
    _member(request)
    try:
        return ReadingOut(ok=True, reading=read_aloud(text[:100], unit[:20]))
    except KoukaError as exc:
        return ReadingOut(ok=False, reading=str(exc))


@api.get("/staff/cycles/{year}", response=CycleOut, auth=django_auth, tags=["staff"])
def staff_cycle(request: HttpRequest, year: int) -> CycleOut:
    member = _member(request)
    cycle = cycle_for(member, year)
    projects = list(visible_projects(member, cycle).prefetch_related("departments"))
    numbers = {p.number for p in projects}
    report = mapping.report_of(cycle)
    findings = [f.as_dict() for f in check_report(report)
                if member.role != "editor" or any(f"事業{_circled(n)}" in f.where for n in numbers)]
    return CycleOut(fiscal_year=year, state=cycle.state, revision=cycle.revision, version=cycle.version, findings=[
        FindingOut(**f) for f in findings], projects=[ProjectSummary(
            number=p.number, title=p.title, departments=[d.name for d in p.departments.all()], version=p.version)
        for p in projects])


def _circled(number: int) -> str:
    from kouka.domain.checks import circled

    return circled(number)


@api.get("/staff/cycles/{year}/projects/{number}", response=dict[str, Any], auth=django_auth, tags=["staff"])
def staff_project(request: HttpRequest, year: int, number: int) -> dict[str, Any]:
    member = _member(request)
    record = project_for(member, cycle_for(member, year), number)
    return mapping.project_record_json(record) | {"version": record.version}


def _kpi_out(record: KpiRecord, year: int) -> KpiOut:
    kpi = mapping.kpi_of(record)
    return KpiOut(number=record.number, name=record.name, unit=record.unit, version=record.version,
                  judgement=judge_kpi(kpi, year).judgement.value, data=mapping.kpi_record_json(record))


@api.put("/staff/cycles/{year}/projects/{number}/kpis/{kpi}/actuals/{actual_year}", response={
    200: KpiOut, 409: Message}, auth=django_auth, tags=["staff"])
def put_actual(request: HttpRequest, year: int, number: int, kpi: int, actual_year: int,
               body: MeasurementIn) -> Any:
    """Set one actual as staff type it (``90社(速報値)``); refused with 409 when ``version`` is stale."""
    member = _member(request)
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    require_edit(member, cycle)
    if len(body.text) > 100:
        raise HttpError(400, "100字以内で入力してください / at most 100 characters")
    with transaction.atomic(using=dbrouter.current()):
        try:
            kpi_record = KpiRecord.objects.select_for_update().get(project=record, number=kpi)
        except KpiRecord.DoesNotExist as exc:
            raise Http404 from exc
        if kpi_record.version != body.version:
            return Status(409, Message(detail=STALE))
        before = mapping.kpi_of(kpi_record)
        measurement = read_measurement(body.text, before.unit)
        after = replace(before, actuals={**before.actuals, actual_year: measurement})
        mapping.save_kpi(record, after, kpi_record)
        KpiRecord.objects.filter(pk=kpi_record.pk).update(version=kpi_record.version + 1)
        history.record(request.user, member.municipality, cycle, "kpi:update", f"{record.title} / {after.name}",
                       interchange.kpi_json(before), interchange.kpi_json(after))
    kpi_record.refresh_from_db()
    return Status(200, _kpi_out(kpi_record, year))


class VerificationIn(Schema):
    paragraphs: list[Annotated[str, Field(max_length=8000)]] = Field(max_length=50)
    version: int


@api.put("/staff/cycles/{year}/projects/{number}/verification", response={200: Message, 409: Message},
         auth=django_auth, tags=["staff"])
def put_verification(request: HttpRequest, year: int, number: int, body: VerificationIn) -> Any:
    """Set a project's まとめ（検証結果）, one string per paragraph; 409 when ``version`` is stale."""
    member = _member(request)
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    require_edit(member, cycle)
    paragraphs = [p.strip() for p in body.paragraphs if p.strip()]
    if len(paragraphs) > 50 or sum(len(p) for p in paragraphs) > 8000:
        raise HttpError(400, "8000字以内で入力してください / at most 8000 characters")
    with transaction.atomic(using=dbrouter.current()):
        fresh = ProjectRecord.objects.select_for_update().get(pk=record.pk)
        if fresh.version != body.version:
            return Status(409, Message(detail=STALE))
        before = dict(fresh.data)
        fresh.data = {**fresh.data, "verification": paragraphs}
        fresh.version += 1
        fresh.save()
        history.record(request.user, member.municipality, cycle, "project:update", fresh.title, before, fresh.data)
    return Status(200, Message(detail="ok"))


@api.post("/staff/cycles/{year}/projects/{number}/comments", response={201: Message}, auth=django_auth,
          tags=["staff"])
def post_comment(request: HttpRequest, year: int, number: int, body: CommentIn) -> Any:
    member = _member(request)
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    if not can_comment(member):
        raise Denied("コメントできるのは確認者と管理者です / only reviewers and administrators comment")
    text = body.text.strip()
    if not text or len(text) > 4000:
        raise HttpError(400, "1〜4000字で入力してください / 1 to 4000 characters")
    record.comments.create(author=member.user, text=text)
    history.record(request.user, member.municipality, cycle, "comment:create", record.title, None,
                   {"comment": text})
    return Status(201, Message(detail="ok"))


@api.post("/staff/cycles/{year}/transitions/{name}", response={200: Message, 409: Message}, auth=django_auth,
          tags=["staff"])
def post_transition(request: HttpRequest, year: int, name: str, body: TransitionIn) -> Any:
    member = _member(request)
    cycle = cycle_for(member, year)
    try:
        workflow.apply(member, cycle, name, body.note, body.version)
    except workflow.WorkflowError as exc:
        return Status(409, Message(detail=str(exc)))
    return Status(200, Message(detail=cycle.state))
