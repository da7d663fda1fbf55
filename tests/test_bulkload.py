"""kouka load's loader (kouka.web.ops.bulkload) and the database's Parquet export, on SQLite and PostgreSQL."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from kouka import interchange, synth
from kouka.cli.importing import import_one
from kouka.cli.national import interchange_files
from kouka.domain.carry import carry_report
from kouka.domain.model import Document, Report
from kouka.render.opendata import COLUMN_NAMES, kpi_rows
from kouka.web import dbrouter, mapping
from kouka.web.models import (
    Change,
    Cycle,
    Department,
    KpiFact,
    KpiRecord,
    Municipality,
    ProjectRecord,
    Publication,
    State,
)
from kouka.web.ops.bulkload import LoadError, digest, load
from kouka.web.ops.export import export_database
from web_fixtures import ALIASES, World


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    synth.write(folder, bodies=5, years=2, seed=21)
    return folder


@pytest.fixture(params=ALIASES)
def alias(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every query of the test goes to this database."""
    request.applymarker(pytest.mark.django_db(databases=ALIASES))
    request.getfixturevalue("django_db_setup")
    request.getfixturevalue("_django_db_helper")
    with dbrouter.using_database(request.param):
        yield request.param


def _reports(folder: Path) -> list[Report]:
    return [r for f in sorted(folder.glob("*.json")) for r in interchange.load(f).reports]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Municipality, Cycle, ProjectRecord, KpiRecord, Publication, Change, KpiFact, Department)}


def test_a_synthetic_set_is_published_as_it_is_in_the_files(alias: str, synthetic: Path) -> None:
    files = sorted(synthetic.glob("*.json"))
    summary = load(files, batch_reports=3)
    reports = _reports(synthetic)
    raw = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    projects = sum(len(r["projects"]) for doc in raw for r in doc["reports"])
    kpis = sum(len(p["kpis"]) for doc in raw for r in doc["reports"] for p in r["projects"])
    facts = sum(max(1, len(p["kpis"])) for doc in raw for r in doc["reports"] for p in r["projects"])
    assert (summary.files, summary.created, summary.revised, summary.unchanged) == (5, 10, 0, 0)
    assert (summary.projects, summary.kpis, summary.facts, summary.failures) == (projects, kpis, facts, [])
    assert summary.batches == 3  # two files (four reports) pass the batch size of three
    departments = {(r["municipality"]["code"], d) for doc in raw for r in doc["reports"] for p in r["projects"]
                   for d in p.get("departments", [])}
    assert departments
    assert _counts() == {
        "Municipality": 5, "Cycle": 10, "ProjectRecord": projects, "KpiRecord": kpis, "Publication": 10,
        "Change": 10, "KpiFact": facts, "Department": len(departments)}
    for report in reports:
        body = report.municipality
        cycle = Cycle.objects.get(municipality__code=body.code, fiscal_year=report.fiscal_year)
        assert (cycle.state, cycle.revision, cycle.municipality.name, cycle.municipality.prefecture) == (
            State.PUBLISHED, 1, body.name, body.prefecture)
        assert mapping.report_of(cycle) == report  # the records make up the file's report
        publication = cycle.publications.get()
        assert mapping.report_from_document(publication.document) == report
        assert publication.digest == digest(mapping.document_json(cycle))  # what the web's publish would freeze
        for record in cycle.projects.all():
            assert sorted(d.name for d in record.departments.all()) == sorted(set(report.project(record.number)
                                                                                  .departments))


def test_a_rerun_skips_what_is_loaded_and_changes_nothing(alias: str, synthetic: Path) -> None:
    files = sorted(synthetic.glob("*.json"))
    load(files[:2])  # as if interrupted after two files
    before = list(Publication.objects.values_list("pk", "cycle_id", "revision", "digest"))
    summary = load(files)
    assert (summary.created, summary.unchanged, summary.revised, summary.failures) == (6, 4, 0, [])
    assert list(Publication.objects.filter(pk__in=[b[0] for b in before])
                .values_list("pk", "cycle_id", "revision", "digest")) == before
    counts = _counts()
    again = load(files)
    assert (again.created, again.unchanged, again.projects, again.files_loaded) == (0, 10, 0, 0)
    assert _counts() == counts


def test_bad_files_are_named_and_leave_nothing_the_rest_load(alias: str, synthetic: Path, tmp_path: Path) -> None:
    good = sorted(synthetic.glob("*.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "kouka/1", "reports": [', encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"schema": "kouka/1", "reports": [{"municipality": {"name": "x"}}]}),
                     encoding="utf-8")
    long_title = tmp_path / "long.json"
    document = json.loads(good[0].read_text(encoding="utf-8"))
    for report in document["reports"]:
        report["municipality"] = {"name": "長い市", "prefecture": "群馬県", "code": "109991"}
    document["reports"][1]["projects"][0]["title"] = "長" * 301
    long_title.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    nameless = tmp_path / "nameless.json"  # an import of a document that did not name its body
    for report in document["reports"]:
        report["municipality"] = {"name": "", "prefecture": "群馬県", "code": ""}
    document["reports"][1]["projects"][0]["title"] = "事業名"
    nameless.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    # a body whose 2nd year is a draft being written in the web application: its file is refused whole
    drafted = interchange.load(good[1])
    body = drafted.reports[0].municipality
    municipality = Municipality.objects.create(slug="drafting", name=body.name, prefecture=body.prefecture,
                                               code=body.code)
    mapping.store_report(municipality, drafted.reports[1])

    summary = load([broken, good[0], wrong, long_title, nameless, good[1], good[2]], batch_reports=100)
    messages = {f.path.name: f.message for f in summary.failures}
    assert set(messages) == {"broken.json", "wrong.json", "long.json", "nameless.json", good[1].name}
    assert "JSONとして読めません" in messages["broken.json"]
    assert "報告の年度がありません" in messages["wrong.json"] and "$.reports[0]" in messages["wrong.json"]
    assert "事業名が長すぎます（301文字、上限300文字）" in messages["long.json"]
    assert "団体名がありません" in messages["nameless.json"] and "団体名を記入してください" in messages["nameless.json"]
    assert "作成中のため読み込みません" in messages[good[1].name]
    assert (summary.files, summary.created, summary.batches) == (7, 4, 1)
    assert not Municipality.objects.filter(code="109991").exists()
    assert list(Cycle.objects.filter(municipality=municipality).values_list("fiscal_year", "state")) == [
        (drafted.reports[1].fiscal_year, State.DRAFT)]
    assert mapping.report_of(Cycle.objects.get(municipality=municipality)) == drafted.reports[1]


def test_atomic_writes_nothing_when_a_file_fails(alias: str, synthetic: Path, tmp_path: Path) -> None:
    broken = tmp_path / "zz-broken.json"
    broken.write_text("not json", encoding="utf-8")
    summary = load([*sorted(synthetic.glob("*.json")), broken], batch_reports=2, atomic=True)
    assert summary.rolled_back and [f.path for f in summary.failures] == [broken]
    assert set(_counts().values()) == {0}


def _changed(source: Path, target: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    document["reports"][0]["projects"][0]["title"] += "（訂正）"
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return document


def test_a_changed_report_is_published_as_a_new_revision_or_refused(
        alias: str, synthetic: Path, tmp_path: Path) -> None:
    first = sorted(synthetic.glob("*.json"))[0]
    load([first])
    corrected = tmp_path / "corrected.json"
    document = _changed(first, corrected)
    title = document["reports"][0]["projects"][0]["title"]

    refused = load([corrected], revise=False)
    assert refused.created == refused.revised == 0
    assert "内容の異なる版が公表済みです" in refused.failures[0].message

    summary = load([corrected])
    assert (summary.revised, summary.unchanged, summary.failures) == (1, 1, [])
    cycle = Cycle.objects.get(municipality__code=document["reports"][0]["municipality"]["code"],
                              fiscal_year=document["reports"][0]["fiscal_year"])
    assert (cycle.revision, cycle.state) == (2, State.PUBLISHED)
    latest = cycle.publications.order_by("-revision").first()
    assert latest is not None and "corrected.json" in latest.note
    assert mapping.report_from_document(latest.document).projects[0].title == title
    assert cycle.projects.get(number=document["reports"][0]["projects"][0]["number"]).title == title
    assert set(KpiFact.objects.filter(cycle=cycle).values_list("project_title", flat=True)) >= {title}
    assert KpiFact.objects.filter(cycle=cycle).count() == sum(
        max(1, len(p["kpis"])) for p in document["reports"][0]["projects"])


def test_the_output_folder_of_kouka_import_loads(alias: str, seed_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "isesaki.txt"
    shutil.copy(seed_path, source)
    outcome = import_one(source, tmp_path / "out", "auto")
    assert not outcome.error and (tmp_path / "out" / "isesaki.findings.json").exists()
    files = list(interchange_files([tmp_path / "out"]))
    assert [f.name for f in files] == ["isesaki.json"]
    summary = load(files)
    assert (summary.created, summary.failures) == (1, [])
    assert Cycle.objects.get().municipality.name == "伊勢崎市"


def _sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(str(row[k]) for k in ("body_code", "report_fiscal_year", "project_number", "kpi_number",
                                       "fiscal_year"))


def test_the_database_as_parquet_has_the_rows_of_the_files(alias: str, synthetic: Path, tmp_path: Path) -> None:
    load(sorted(synthetic.glob("*.json")))
    out = tmp_path / "all.parquet"
    summary = export_database(out)
    table = pq.read_table(out)
    assert table.column_names == list(COLUMN_NAMES)
    expected = sorted((row for r in _reports(synthetic) for row in kpi_rows(r)), key=_sort_key)
    assert summary.reports == 10 and summary.rows == len(expected) > 0
    assert sorted(table.to_pylist(), key=_sort_key) == expected


def test_the_web_import_confirm_writes_nothing_when_it_fails_part_way(world: World, tmp_path: Path) -> None:
    """The 2023 draft would be replaced first, then 2022 (published) is refused: the draft stays as it was."""
    example = interchange.load(Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json")
    report = example.reports[0]
    changed = carry_report(report, 2023)
    changed.projects[0].title = "差し替える事業名"
    document = Document([changed, report])
    client = world.client("kikaku")
    upload = SimpleUploadedFile("both.json", interchange.dumps(document).encode("utf-8"),
                                content_type="application/json")
    assert client.post("/staff/import/", {"file": upload}).status_code == 200
    before = _snapshot()
    response = client.post("/staff/import/confirm/")
    assert response.status_code == 403
    assert _snapshot() == before
    assert mapping.report_of(world.cycle(2023)).projects[0].title != "差し替える事業名"


def _snapshot() -> dict[str, list[str]]:
    return {model._meta.db_table: sorted(map(repr, model._default_manager.values_list()))
            for model in apps.get_app_config("kouka").get_models(include_auto_created=True)}


def test_loader_refuses_a_batch_size_below_one(alias: str) -> None:
    with pytest.raises(LoadError, match="バッチの大きさ"):
        load([], batch_reports=0)
