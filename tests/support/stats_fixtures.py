"""A small synthetic national set published in each test database (SQLite, and PostgreSQL when configured)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from kouka import interchange, synth
from kouka.domain.model import Document
from kouka.web import dbrouter, mapping
from kouka.web.models import Cycle, Municipality, Publication, State
from kouka.web.stats import facts
from web_fixtures import ALIASES

BODIES, YEARS, SEED = 40, 3, 7


@dataclass
class SynthWorld:
    alias: str
    raw: list[dict[str, Any]]  # every published report as interchange JSON, read by the tests themselves
    draft: Municipality  # a municipality whose report is a draft with projects: never counted


def publish_synthetic(bodies: int = BODIES, years: int = YEARS, seed: int = SEED) -> list[dict[str, Any]]:
    """Publish every synthetic report (revision 1) and rebuild the facts (and rollups) from the publications."""
    cycles: list[Cycle] = []
    raw: list[dict[str, Any]] = []
    for _body, document in synth.generate(bodies=bodies, years=years, seed=seed):
        body = document.reports[0].municipality
        municipality = Municipality.objects.create(slug=f"body-{body.code}", name=body.name,
                                                   prefecture=body.prefecture, code=body.code)
        for report in document.reports:
            data = interchange.to_json(Document([report]))
            cycle = Cycle.objects.create(municipality=municipality, fiscal_year=report.fiscal_year,
                                         state=State.PUBLISHED, revision=1)
            Publication.objects.create(cycle=cycle, revision=1, document=data)
            cycles.append(cycle)
            raw.append(data["reports"][0])
    # Publish in chunks, the bodies in reverse code order (partners before the prefectures that lead them):
    # the rollups are remade bit by bit and wide-area flags move to the lead as it comes.
    cycles.reverse()
    for start in range(0, len(cycles), 25):
        facts.rebuild(cycles[start:start + 25])
    return raw


@pytest.fixture(params=ALIASES)
def synth_world(request: pytest.FixtureRequest) -> Iterator[SynthWorld]:
    alias: str = request.param
    request.applymarker(pytest.mark.django_db(databases=ALIASES))
    request.getfixturevalue("django_db_setup")
    request.getfixturevalue("_django_db_helper")
    with dbrouter.using_database(alias):
        raw = publish_synthetic()
        document = next(synth.generate(bodies=1, years=1, seed=SEED + 1))[1]
        report = document.reports[0]
        draft = Municipality.objects.create(slug="draft-only", name="下書き町",
                                            prefecture=report.municipality.prefecture, code="999997")
        mapping.store_report(draft, report)
        yield SynthWorld(alias, raw, draft)
