"""Issue 16.1–16.2 on the staff site (kouka.web.services.workbooks): a department's workbook downloaded, filled as
a clerk fills it, uploaded, reviewed and saved as one change of the history; on SQLite and PostgreSQL."""

import time
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.utils import translation

from exchange_support import Clerk, hostile_workbooks
from kouka.domain.errors import KoukaError
from kouka.web import mapping
from kouka.web.history_text import describe
from kouka.web.models import Change, Cycle, KpiRecord, UploadTask
from kouka.web.permissions import Denied
from kouka.web.services.kpis import kpi_actual_set
from kouka.web.services.tasks import task_run
from kouka.web.services.workbooks import (
    workbook_apply,
    workbook_cancel,
    workbook_export,
    workbook_plan,
    workbook_upload,
)
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

DEPARTMENT = "商工労働課"  # 事業① and 事業③ in the demo world
ONE, THREE = "事業①", "事業③"


def filled(data: bytes, *, conflicting: bool = False) -> bytes:
    """The 商工労働課 workbook as a clerk fills it in Excel."""
    clerk = Clerk(data)
    typed: dict[tuple[str, str], str | int | None] = {
        (ONE, clerk.cell(ONE, "事業費（円）")): "1,929万3,030円",
        (ONE, clerk.kpi_cell(ONE, 2, "実績値", "令和5年度")): "27人",
        (ONE, clerk.kpi_cell(ONE, 1, "実績値", "令和5年度")): 3,
        (ONE, clerk.cell(ONE, "今後の方針")): "事業の継続",
        (THREE, clerk.kpi_cell(THREE, 2, "実績値", "令和5年度")): "約30件",  # a 社 KPI: cannot be read as it
    }
    clerk.fill(typed)
    return clerk.save()


def snapshot(world: "World") -> list[object]:
    cycle = world.cycle()
    return [mapping.report_json(cycle), Change.objects.count(), cycle.version,
            sorted(KpiRecord.objects.filter(project__cycle=cycle).values_list("pk", "version"))]


def planned(world: "World", role: str, data: bytes, department: str | None = DEPARTMENT,
            year: int = 2023) -> tuple[UploadTask, dict[str, Any]]:
    member = world.member(role)
    task = workbook_upload(member=member, cycle=world.cycle(year), department=department, filename="記入シート.xlsx",
                           data=data)
    return task, workbook_plan(member=member, task=task)


def test_the_filled_isesaki_workbook_saves_exactly_the_changes_meant_as_one_change(world: "World") -> None:
    shoko = world.member("shoko")
    data = workbook_export(member=shoko, cycle=world.cycle(), department=DEPARTMENT)
    task, plan = planned(world, "shoko", filled(data))
    assert [(c["where"], c["old"], c["new"]) for c in plan["changes"]] == [
        ("事業① 事業費", "（空欄）", "1,929万3,030円"),
        ("事業① 成果目標① 令和5年度 実績値", "（空欄）", "3社"),
        ("事業① 成果目標② 令和5年度 実績値", "（空欄）", "27人"),
        ("事業① 今後の方針", "（空欄）", "事業の継続"),
    ]
    assert plan["errors"] == ["事業③ シート C25: 『約30件』の単位が成果目標の単位（社）と違います"]
    assert plan["conflicts"] == [] and plan["untouched"] == []
    before = Change.objects.count()
    assert workbook_apply(member=shoko, task=task, digest=str(plan["digest"])) == 4
    report = mapping.report_of(world.cycle())
    one = report.project(1)
    assert one.cost_yen == 19293030 and one.next_direction is not None and one.next_direction.text == "事業の継続"
    assert str(one.kpi(2).actuals[2023].value) == "27" and one.kpi(2).actuals[2023].text == "27人"
    assert str(one.kpi(1).actuals[2023].value) == "3" and 2023 not in report.project(3).kpi(2).actuals
    assert Change.objects.count() == before + 1 and not UploadTask.objects.exists()
    change = Change.objects.get(action="workbook:import")
    assert describe(change).lines == [
        "令和5年度の記入シート（商工労働課）を取り込みました（4件の変更）",
        "事業① 事業費: （なし） → 1,929万3,030円",
        "事業① 今後の方針: （なし） → 「事業の継続」",
        "事業① 成果目標① 令和5年度 実績値: （なし） → 3社",
        "事業① 成果目標② 令和5年度 実績値: （なし） → 27人",
    ]


def test_a_concurrent_web_edit_refuses_that_field_alone(world: "World") -> None:
    shoko, kikaku = world.member("shoko"), world.member("kikaku")
    data = filled(workbook_export(member=shoko, cycle=world.cycle(), department=DEPARTMENT))
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=2)
    kpi_actual_set(member=kikaku, cycle=world.cycle(), record=record, year=2023, text="25人", version=record.version)
    task, plan = planned(world, "shoko", data)
    assert plan["conflicts"] == ["事業① 成果目標② 令和5年度 実績値: この記入シートを作った後に kouka で （空欄） から "
                                 "25人 に変更されたため、記入シートの 27人 は取り込みません"]
    assert len(plan["changes"]) == 3
    workbook_apply(member=shoko, task=task, digest=str(plan["digest"]))
    one = mapping.report_of(world.cycle()).project(1)
    assert one.kpi(2).actuals[2023].text == "25人" and one.cost_yen == 19293030 and one.kpi(1).actuals[2023].text


def test_a_save_between_review_and_confirmation_refuses_the_whole_plan(world: "World") -> None:
    shoko = world.member("shoko")
    task, plan = planned(world, "shoko", filled(workbook_export(member=shoko, cycle=world.cycle(),
                                                                department=DEPARTMENT)))
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    kpi_actual_set(member=shoko, cycle=world.cycle(), record=record, year=2023, text="2社", version=record.version)
    before = snapshot(world)
    with pytest.raises(StaleVersion, match="記入シートの確認の後に"):
        workbook_apply(member=shoko, task=task, digest=str(plan["digest"]))
    assert snapshot(world) == before and UploadTask.objects.filter(pk=task.pk).exists()
    workbook_cancel(member=shoko, task=task)
    assert not UploadTask.objects.exists() and snapshot(world) == before


def test_another_department_year_or_city_is_refused(world: "World") -> None:
    kikaku = world.member("kikaku")
    theirs = workbook_export(member=kikaku, cycle=world.cycle(), department="企業誘致課")
    before = snapshot(world)
    refused = "このワークブックは企業誘致課の記入シートのため、商工労働課には取り込めません"
    with pytest.raises(KoukaError, match=refused):
        planned(world, "kikaku", theirs)
    last_year = workbook_export(member=kikaku, cycle=world.cycle(2022), department=DEPARTMENT)
    with pytest.raises(KoukaError, match="このワークブックは令和4年度の記入シートのため、令和5年度には"):
        planned(world, "kikaku", last_year)
    other = world.member("other")
    elsewhere = workbook_export(member=other, cycle=Cycle.objects.get(municipality=world.other), department=None)
    with pytest.raises(KoukaError, match="このワークブックは群馬県他市の記入シートのため"):
        planned(world, "kikaku", elsewhere, department=None)
    with pytest.raises(Denied):  # an editor handles their own department's workbook only
        workbook_export(member=world.member("shoko"), cycle=world.cycle(), department="企業誘致課")
    with pytest.raises(Denied):
        planned(world, "kigyo", filled(workbook_export(member=kikaku, cycle=world.cycle(), department=DEPARTMENT)))
    with pytest.raises(Denied):
        workbook_upload(member=world.member("yushikisha"), cycle=world.cycle(), department=None, filename="x.xlsx",
                        data=theirs)
    assert snapshot(world) == before


def test_a_hostile_workbook_ends_in_a_clear_error_within_two_seconds_and_nothing_written(world: "World") -> None:
    shoko = world.member("shoko")
    data = workbook_export(member=shoko, cycle=world.cycle(), department=DEPARTMENT)
    before = snapshot(world)
    for name, hostile in hostile_workbooks(data).items():
        started = time.monotonic()
        with pytest.raises(KoukaError) as refused:
            planned(world, "shoko", hostile)
        assert time.monotonic() - started < 2, name
        message = str(refused.value)
        assert message and "Error" not in message and "Traceback" not in message, (name, message)
        assert snapshot(world) == before, name


def test_the_queue_reads_a_workbook_in_the_uploaders_language(world: "World") -> None:
    shoko = world.member("shoko")
    data = filled(workbook_export(member=shoko, cycle=world.cycle(), department=DEPARTMENT))
    with translation.override("en"):
        task = workbook_upload(member=shoko, cycle=world.cycle(), department=DEPARTMENT, filename="x.xlsx", data=data)
    assert task_run(task_id=task.pk) == "done"  # the worker has no request, and no language of its own
    task.refresh_from_db()
    first = task.result["changes"][0]
    assert first["where"].startswith("Project ①") and first["old"] == "(blank)"
    assert task.result["errors"] == ["sheet 事業③ C25: the unit of “約30件” is not the KPI's unit (社)"]
