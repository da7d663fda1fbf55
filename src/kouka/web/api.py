"""The JSON API (django-ninja; OpenAPI document at /api/openapi.json, browsable at /api/docs).

Public read of published data; authenticated write with the same permissions as the pages: a person's session
sign-in with CSRF (so the API is as safe as the forms), or another system's API token, scoped and revocable
(``Authorization: Bearer kouka_…``; :mod:`kouka.web.api_auth` says which endpoint takes which). Each endpoint
parses its input, calls one selector or service, and answers; errors are translated once, by the exception
handlers below.
"""

import json
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status

from kouka.domain.entry import figure_advice, grant_advice
from kouka.domain.errors import KoukaError
from kouka.domain.rules import judge_kpi
from kouka.web import selectors
from kouka.web.api_auth import PEOPLE, PUBLIC, STAFF, request_token, require_token_municipality
from kouka.web.models import KpiRecord, Membership
from kouka.web.permissions import Denied, cycle_for, project_for, request_member
from kouka.web.reading import read_aloud
from kouka.web.services.comments import comment_create
from kouka.web.services.cycles import WorkflowError, cycle_transition
from kouka.web.services.kpis import kpi_actual_set
from kouka.web.services.parts import PartRefused, part_act
from kouka.web.services.projects import project_verification_set
from kouka.web.services.tokens import TokenRefused
from kouka.web.services.writes import Invalid, StaleVersion

api = NinjaAPI(title="kouka API", version="1", urls_namespace="kouka-api",
               description="地方創生交付金事業の効果検証データ")


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
    acknowledged: bool = False  # publish: the checklist's warnings were shown to a person and acknowledged


class Message(Schema):
    detail: str


def _member(request: HttpRequest) -> Membership:
    found = request_member(request)
    if found is None:
        raise HttpError(403, _("職員としての所属がありません"))
    return found


@api.exception_handler(Denied)
def _denied(request: HttpRequest, exc: Denied) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=403)


def _unauthorised(request: HttpRequest, detail: str) -> Any:
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="kouka"'
    return response


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, exc: TokenRefused) -> Any:
    return _unauthorised(request, str(exc))


@api.exception_handler(AuthenticationError)
def _no_credentials(request: HttpRequest, exc: AuthenticationError) -> Any:
    return _unauthorised(request, _("ログインするか、APIトークンを付けて送ってください"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": _("見つかりません")}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    """A body the schema refuses (too long, wrong type): a message first, then pydantic's details."""
    return api.create_response(request, {
        "detail": _("入力が長すぎるか、形式が正しくありません"),
        "errors": exc.errors}, status=422)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(WorkflowError)
def _refused(request: HttpRequest, exc: WorkflowError) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(Invalid)
def _invalid_value(request: HttpRequest, exc: Invalid) -> Any:
    """Values that may not be stored: nothing was written; each finding names its field in the city's words."""
    return api.create_response(request, {
        "detail": _("保存できない値があるため保存しませんでした: {reasons}").format(
            reasons=" ／ ".join(f.sentence for f in exc.findings)),
        "findings": [f.as_dict() for f in exc.findings]}, status=400)
@api.exception_handler(PartRefused)
def _part_refused(request: HttpRequest, exc: PartRefused) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(KoukaError)
def _domain_error(request: HttpRequest, exc: KoukaError) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.get("/public/reports", response=list[YearOut], auth=PUBLIC, tags=["public"])
def public_reports(request: HttpRequest) -> list[YearOut]:
    """Every published year (with an API token: its municipality's)."""
    cycles = selectors.published_cycles()
    token = request_token(request)
    if token is not None:
        cycles = cycles.filter(municipality=token.municipality)
    return [YearOut(municipality=c.municipality.name, slug=c.municipality.slug, fiscal_year=c.fiscal_year,
                    revision=c.revision)
            for c in cycles.order_by("municipality__slug", "-fiscal_year")]


@api.get("/public/reports/{slug}/{year}", response=dict[str, Any], auth=PUBLIC, tags=["public"])
def public_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The latest published revision as a kouka/1 interchange document."""
    require_token_municipality(request, slug)
    publication = selectors.publication_latest(slug=slug, year=year, with_document=True)
    data = dict(publication.document)
    data["revision"] = {"number": publication.revision, "note": publication.note,
                        "published_at": publication.published_at.isoformat()}
    # The stored document was validated when it was published: written out as it is, not checked again
    # against the response's schema on every request.
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8")


class ReadingOut(Schema):
    ok: bool
    reading: str
    advice: list[str] = Field(default_factory=list)  # to look at before saving (kouka.domain.entry)


@api.get("/staff/reading", response=ReadingOut, auth=STAFF, tags=["staff"])
def reading(request: HttpRequest, text: str, unit: str = "", last: str = "", target: str = "") -> ReadingOut:
    """How a typed figure is read (``90社(速報値)`` → 値 90社・速報値), for feedback as staff type; ``last`` and
    ``target`` (an actual's last-year actual and target, as typed) let an implausible figure be pointed out."""
    _member(request)
    advice = figure_advice(text[:100], unit[:20], last=last[:100], target=target[:100])
    try:
        return ReadingOut(ok=not advice, reading=read_aloud(text[:100], unit[:20]), advice=advice)
    except KoukaError as exc:
        return ReadingOut(ok=False, reading=str(exc), advice=advice)


class AdviceOut(Schema):
    advice: list[str]


@api.get("/staff/cycles/{year}/grant-advice", response=AdviceOut, auth=STAFF, tags=["staff"])
def grant_check(request: HttpRequest, year: int, cost: str = "", grant: str = "") -> AdviceOut:
    """What to look at in a project's 事業費 and 交付金充当額 as typed (the year's grant rate), before saving."""
    cycle = cycle_for(_member(request), year)
    rate = selectors.cycle_report_whole(cycle).program.rate
    return AdviceOut(advice=grant_advice(cost[:40], grant[:40], rate))


@api.get("/staff/cycles/{year}", response=CycleOut, auth=STAFF, tags=["staff"])
def staff_cycle(request: HttpRequest, year: int) -> CycleOut:
    member = _member(request)
    cycle = cycle_for(member, year)
    report, projects = selectors.cycle_report(member, cycle)
    findings = [f.as_dict() for f in selectors.cycle_findings(member, report, projects)]
    return CycleOut(fiscal_year=year, state=cycle.state, revision=cycle.revision, version=cycle.version, findings=[
        FindingOut(**f) for f in findings], projects=[ProjectSummary(
            number=p.number, title=p.title, departments=[d.name for d in p.departments.all()], version=p.version)
        for p in projects])


@api.get("/staff/cycles/{year}/projects/{number}", response=dict[str, Any], auth=STAFF, tags=["staff"])
def staff_project(request: HttpRequest, year: int, number: int) -> dict[str, Any]:
    member = _member(request)
    record = project_for(member, cycle_for(member, year), number)
    return selectors.project_json(record)


def _kpi_out(record: KpiRecord, year: int) -> KpiOut:
    kpi = selectors.kpi_saved(record)
    return KpiOut(number=record.number, name=record.name, unit=record.unit, version=record.version,
                  judgement=judge_kpi(kpi, year).judgement.value, data=selectors.kpi_json(record))


@api.put("/staff/cycles/{year}/projects/{number}/kpis/{kpi}/actuals/{actual_year}", response={
    200: KpiOut, 409: Message}, auth=STAFF, tags=["staff"])
def put_actual(request: HttpRequest, year: int, number: int, kpi: int, actual_year: int,
               body: MeasurementIn) -> Any:
    """Set one actual as staff type it (``90社(速報値)``); refused with 409 when ``version`` is stale."""
    member = _member(request)
    cycle = cycle_for(member, year)
    record = selectors.kpi_get(project_for(member, cycle, number), kpi)
    stored = kpi_actual_set(member=member, cycle=cycle, record=record, year=actual_year, text=body.text,
                            version=body.version)
    return Status(200, _kpi_out(stored, year))


class VerificationIn(Schema):
    paragraphs: list[Annotated[str, Field(max_length=8000)]] = Field(max_length=50)
    version: int


@api.put("/staff/cycles/{year}/projects/{number}/verification", response={200: Message, 409: Message},
         auth=STAFF, tags=["staff"])
def put_verification(request: HttpRequest, year: int, number: int, body: VerificationIn) -> Any:
    """Set a project's まとめ（検証結果）, one string per paragraph; 409 when ``version`` is stale."""
    member = _member(request)
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    project_verification_set(member=member, cycle=cycle, record=record, paragraphs=body.paragraphs,
                             version=body.version)
    return Status(200, Message(detail="ok"))


@api.post("/staff/cycles/{year}/projects/{number}/comments", response={201: Message}, auth=PEOPLE,
          tags=["staff"])
def post_comment(request: HttpRequest, year: int, number: int, body: CommentIn) -> Any:
    member = _member(request)
    cycle = cycle_for(member, year)
    comment_create(member=member, cycle=cycle, record=project_for(member, cycle, number), text=body.text)
    return Status(201, Message(detail="ok"))


@api.post("/staff/cycles/{year}/transitions/{name}", response={200: Message, 409: Message}, auth=PEOPLE,
          tags=["staff"])
def post_transition(request: HttpRequest, year: int, name: str, body: TransitionIn) -> Any:
    member = _member(request)
    cycle = cycle_for(member, year)
    cycle_transition(member=member, cycle=cycle, name=name, note=body.note, version=body.version,
                     acknowledged=body.acknowledged)
    return Status(200, Message(detail=cycle.state))


class BoardProjectOut(Schema):
    number: int
    title: str
    status: str  # not_started, open, submitted, returned, confirmed
    missing: list[str]  # in words: 実績値, まとめ, 事業費


class PartOut(Schema):
    department_id: int
    department: str
    state: str  # open, submitted, returned, confirmed
    reason: str  # the return's reason, for the department and the planning division
    version: int  # 0: not submitted yet
    projects: list[BoardProjectOut]


class PartIn(Schema):
    reason: str = Field("", max_length=2000)
    version: int | None = None  # the part's version the client saw (GET …/departments); stale → 409
    count: int = 0  # the number of projects the client showed the person


@api.get("/staff/cycles/{year}/departments", response=list[PartOut], auth=STAFF, tags=["staff"])
def staff_parts(request: HttpRequest, year: int) -> list[PartOut]:
    """Each department's part of the year that the caller may see: its state, return reason and projects."""
    member = _member(request)
    cycle = cycle_for(member, year)
    return [PartOut(department_id=part.department.pk, department=part.department.name, state=part.state,
                    reason=part.reason, version=part.version, projects=[BoardProjectOut(
                        number=p.record.number, title=p.record.title, status=p.status,
                        missing=[_(m) for m in p.missing]) for p in part.projects])
            for part in selectors.cycle_board(member, cycle)]


@api.post("/staff/cycles/{year}/departments/{department}/{name}", response={200: Message, 400: Message, 409: Message},
          auth=PEOPLE, tags=["staff"])
def post_part(request: HttpRequest, year: int, department: int, name: str, body: PartIn) -> Any:
    """A step on one department's part: submit (the department), return with a reason or confirm (the
    planning division)."""
    member = _member(request)
    cycle = cycle_for(member, year)
    part = selectors.cycle_part(member, cycle, department)
    stored = part_act(member=member, cycle=cycle, department=part.department, name=name, reason=body.reason,
                      version=body.version, count=body.count or part.count)
    return Status(200, Message(detail=stored.state))
