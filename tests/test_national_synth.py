"""The synthetic national data: real-looking bodies, determinism, schema validity, realistic structure."""

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from kouka import interchange, synth
from kouka.domain.carry import kpi_key
from kouka.domain.checks import check_report, has_errors
from kouka.domain.model import Document, KpiScope, MeasurementStatus, ProjectKind, is_valid_body_code

SCHEMA = Path(__file__).resolve().parent.parent / "src" / "kouka" / "schema" / "kouka.schema.json"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    synth.write(out, bodies=40, years=4, seed=11)
    return out


@pytest.fixture(scope="module")
def small_documents(small: Path) -> list[Document]:
    return [interchange.load(path) for path in sorted(small.glob("*.json"))]


def test_the_national_bodies_look_real() -> None:
    bodies = synth.national_bodies(0)
    assert len(bodies) == synth.NATIONAL_BODIES == 1788
    kinds = Counter(b.kind for b in bodies)
    assert kinds == {"prefecture": 47, "city": 792, "ward": 23, "town": 743, "village": 183}
    codes = [b.body.code for b in bodies]
    assert len(set(codes)) == len(codes) and all(is_valid_body_code(code) for code in codes)
    assert codes == sorted(codes)
    by_name = {b.body.name: b.body.code for b in bodies if b.is_prefecture}
    assert by_name["北海道"] == "010006" and by_name["群馬県"] == "100005" and by_name["沖縄県"] == "470007"
    for prefecture in by_name:
        names = [b.body.name for b in bodies if b.body.prefecture == prefecture]
        assert len(names) == len(set(names)), prefecture
    tokyo_wards = [b for b in bodies if b.kind == "ward"]
    assert all(b.body.prefecture == "東京都" and b.body.name.endswith("区") for b in tokyo_wards)
    assert all(301 <= int(b.body.code[2:5]) < 800 for b in bodies if b.kind in ("town", "village"))
    assert all(b.body.code[2] == "2" for b in bodies if b.kind == "city")


def test_choosing_bodies_includes_prefectures_in_proportion() -> None:
    chosen = synth.choose_bodies(5, 120)
    assert len(chosen) == 120 and len({b.body.code for b in chosen}) == 120
    assert sum(b.is_prefecture for b in chosen) == 3  # 120 × 47 / 1788 ≈ 3
    assert synth.choose_bodies(5, 1788) == synth.national_bodies(5)
    with pytest.raises(synth.SynthError):
        synth.choose_bodies(5, 0)
    with pytest.raises(synth.SynthError):
        synth.choose_bodies(5, 1789)


def test_same_seed_gives_byte_identical_files(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synth.write(again, bodies=40, years=4, seed=11)
    names = sorted(p.name for p in small.glob("*.json"))
    assert names == sorted(p.name for p in again.glob("*.json")) and len(names) == 40
    for name in names:
        assert (small / name).read_bytes() == (again / name).read_bytes(), name
    shared = tmp_path / "two-processes"
    synth.write(shared, bodies=40, years=4, seed=11, jobs=2)
    assert all((small / name).read_bytes() == (shared / name).read_bytes() for name in names)
    other = tmp_path / "other"
    synth.write(other, bodies=40, years=4, seed=12)
    assert sorted(p.name for p in other.glob("*.json")) != names or any(
        (small / n).read_bytes() != (other / n).read_bytes() for n in names)


def test_every_file_is_valid_against_the_schema_and_the_checks(small: Path, small_documents: list[Document]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for path in sorted(small.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(data)), path
        assert path.stem == data["reports"][0]["municipality"]["code"]
    for document in small_documents:
        assert [r.fiscal_year for r in document.reports] == [2016, 2017, 2018, 2019]
        for report in document.reports:
            findings = check_report(report)
            assert not has_errors(findings), [f.message for f in findings]
            assert report.stated_total_yen == sum(p.grant_yen or 0 for p in report.projects)


def test_realistic_structure_and_qualifiers(small_documents: list[Document]) -> None:
    statuses: Counter[MeasurementStatus] = Counter()
    baselines: Counter[MeasurementStatus] = Counter()
    units: Counter[str] = Counter()
    references = approximate = wide = 0
    for document in small_documents:
        for report in document.reports:
            assert 2 <= len(report.projects) <= 5, (report.municipality, report.fiscal_year)
            assert [p.number for p in report.projects] == list(range(1, len(report.projects) + 1))
            for project in report.projects:
                assert 2 <= len(project.kpis) <= 5
                assert project.cost_yen and project.grant_yen == project.cost_yen // 2
                wide += project.kind is ProjectKind.WIDE_AREA
                for kpi in project.kpis:
                    units[kpi.unit] += 1
                    actual = kpi.actuals[report.fiscal_year]
                    statuses[actual.status] += 1
                    references += actual.reference is not None
                    approximate += actual.approximate
                    assert kpi.baseline is not None
                    baselines[kpi.baseline.status] += 1
                    assert actual.text  # the city's notation, e.g. 90社（速報値）
    assert statuses[MeasurementStatus.PENDING] and statuses[MeasurementStatus.PRELIMINARY]
    assert statuses[MeasurementStatus.FINAL] > 0.8 * sum(statuses.values())
    assert baselines[MeasurementStatus.BEFORE_START] > 0
    assert references > 0 and approximate > 0 and wide > 0
    assert {"人", "件", "社", "%"} <= set(units)


def test_wide_area_projects_are_led_by_a_prefecture_and_shared(small_documents: list[Document]) -> None:
    copies: dict[tuple[str, int], list[tuple[str, str, KpiScope]]] = {}
    for document in small_documents:
        for report in document.reports:
            for project in report.projects:
                if project.kind is ProjectKind.WIDE_AREA:
                    body = report.municipality
                    for kpi in project.kpis:
                        copies.setdefault((kpi_key(body, project, kpi), report.fiscal_year), []).append(
                            (body.name, project.lead_body, kpi.scope))
                    assert project.lead_body.endswith(("都", "道", "府", "県"))
    assert copies
    for entries in copies.values():
        leads = [name for name, lead, scope in entries if name == lead]
        assert len(leads) == 1 and len(entries) >= 3
        assert all(scope is KpiScope.WIDE_AREA for name, lead, scope in entries if name != lead)


def test_kpis_keep_their_identity_from_year_to_year(small_documents: list[Document]) -> None:
    carried = 0
    for document in small_documents:
        for before, after in zip(document.reports, document.reports[1:], strict=False):
            old = {kpi_key(before.municipality, p, k): k for p in before.projects for k in p.kpis}
            for project in after.projects:
                for kpi in project.kpis:
                    key = kpi_key(after.municipality, project, kpi)
                    if key in old:
                        carried += 1
                        assert (kpi.name, kpi.unit, kpi.baseline, kpi.targets) == (
                            old[key].name, old[key].unit, old[key].baseline, old[key].targets)
                        assert set(kpi.actuals) == {after.fiscal_year}
    assert carried > 100
