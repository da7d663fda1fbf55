"""One counting rule: ``kouka stats`` and the web dashboards count a wide-area project once, choosing the same
copy (:func:`kouka.domain.aggregate.counting_rank`), whatever order the files come in.

The synthetic set is made so the choice shows in the numbers: some leads' reports are left out (their
projects are counted from a partner's copy), and each partner's copy of a wide-area project is judged on its
own figures (met where the body code's fourth digit is below 5, pending otherwise): the first partner in
code order meets the target and the last does not, so counting the first copy read would give other numbers.
"""

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kouka import interchange, synth
from kouka.cli import app
from kouka.cli.national import stats as stats_command
from kouka.domain.aggregate import Tally
from kouka.domain.model import Document, KpiScope, ProjectKind, Report
from kouka.domain.rules import Judgement
from kouka.web import dbrouter
from kouka.web.models import AreaRollup, Municipality, RollupState
from kouka.web.ops.bulkload import load
from kouka.web.stats import dashboards
from web_fixtures import ALIASES

BODIES, YEARS, SEED = 60, 2, 11


def leads_of(document: Document) -> set[str]:
    return {p.lead_body for r in document.reports for p in r.projects
            if p.kind is ProjectKind.WIDE_AREA and p.lead_body == r.municipality.name}


def judged_on_its_own(report: Report) -> Report:
    """The report with each partner's copy of a wide-area project judged on the body's own figures."""
    met = report.municipality.code[3:4] < "5"  # the lower codes of a prefecture (its cities) meet the target
    for project in report.projects:
        if project.kind is not ProjectKind.WIDE_AREA or project.lead_body == report.municipality.name:
            continue
        for index, kpi in enumerate(project.kpis):
            actuals = dict(kpi.actuals)
            target = kpi.targets.get(report.fiscal_year)
            if met and target is not None:
                actuals[report.fiscal_year] = target
            else:
                actuals.pop(report.fiscal_year, None)
            project.kpis[index] = replace(kpi, scope=KpiScope.MUNICIPALITY, actuals=actuals)
    return report


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("orders")
    files = []
    leads = 0
    for _body, document in synth.generate(bodies=BODIES, years=YEARS, seed=SEED):
        if leads_of(document):
            leads += 1
            if leads % 2:  # every other lead's reports are missing: a partner's copy counts instead
                continue
        path = out / f"{document.reports[0].municipality.code}.json"
        interchange.save(Document([judged_on_its_own(r) for r in document.reports]), path)
        files.append(path)
    assert leads >= 2
    return sorted(files)


def orders(files: list[Path]) -> list[list[Path]]:
    shuffled = list(files)
    random.Random(SEED).shuffle(shuffled)
    return [list(files), list(reversed(files)), shuffled]


def stats_json(files: list[Path]) -> dict[str, Any]:
    done = CliRunner().invoke(app, ["stats", "--json", "--jobs", "1", "--top", "1000", *map(str, files)])
    assert done.exit_code == 0, done.output
    printed: dict[str, Any] = json.loads(done.output)
    return printed


def numbers(tally: Tally) -> dict[str, int]:
    return {"reports": tally.report_count, "projects": tally.projects,
            "wide_area_projects": tally.wide_area_projects, "cost_yen": tally.cost_yen,
            "grant_yen": tally.grant_yen, "kpis": tally.kpis.total, "preliminary": tally.kpis.preliminary,
            **{j.value: tally.kpis[j] for j in Judgement}}


def printed_numbers(printed: dict[str, Any]) -> dict[str, int]:
    return {key: printed[key] for key in ("reports", "projects", "wide_area_projects", "cost_yen", "grant_yen",
                                          "kpis", "preliminary", *(j.value for j in Judgement))}


def web_numbers(files: list[Path]) -> dict[str, Any]:
    """The web dashboards' numbers after loading ``files`` in this order into an emptied database."""
    Municipality.objects.all().delete()
    AreaRollup.objects.all().delete()
    RollupState.objects.all().delete()
    summary = load(files)
    assert not summary.failures
    return {
        "total": numbers(dashboards.summary()),
        "by_year": {str(year): numbers(t) for year, t in dashboards.by_year()},
        "by_prefecture": {prefecture: numbers(t) for prefecture, t in dashboards.by_prefecture()},
        "by_unit": {unit: {k: v for k, v in numbers(t).items() if k in ("kpis", "preliminary", *Judgement)}
                    for unit, t in dashboards.by_unit()},
    }


def cli_numbers(printed: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": printed_numbers(printed["total"]),
        "by_year": {year: printed_numbers(t) for year, t in printed["by_year"].items()},
        "by_prefecture": {prefecture: printed_numbers(t) for prefecture, t in printed["by_prefecture"].items()},
        "by_unit": {unit: {k: t[k] for k in ("kpis", "preliminary", *(j.value for j in Judgement))}
                    for unit, t in printed["by_unit"].items()},
    }


def test_kouka_stats_counts_the_same_in_any_file_order(synthetic: list[Path]) -> None:
    assert stats_command.__name__ == "stats"  # the command is registered on ``app`` by importing its module
    printed = [stats_json(files) for files in orders(synthetic)]
    assert printed[0]["total"]["wide_area_projects"] > 0
    assert printed[0] == printed[1] == printed[2]


@pytest.mark.parametrize("alias", ALIASES)
@pytest.mark.django_db(databases=ALIASES, transaction=False)
def test_web_dashboards_count_as_kouka_stats_in_any_file_order(alias: str, synthetic: list[Path]) -> None:
    expected = cli_numbers(stats_json(synthetic))
    assert expected["total"]["met"] and expected["total"]["pending"]
    with dbrouter.using_database(alias):
        for files in orders(synthetic):
            assert web_numbers(files) == expected
