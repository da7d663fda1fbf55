"""Issue 12, item 1, the property: the project and KPI forms and the API are driven with generated values
(hypothesis), on SQLite and PostgreSQL. Whatever a door accepts gives a year whose document the interchange schema
accepts and that renders in every publication format (HTML, Excel, CSV, JSON; the PDF once, at the end); whatever
a door refuses leaves the database exactly as it was (a snapshot of every row).

The generated values mix ordinary text and numbers with the shapes the hardening probe used (control characters,
minus signs, huge and exponent numbers, impossible era years, long lines), so both branches are taken.
"""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import db_snapshot
from kouka import interchange
from kouka.render.html import render_page
from kouka.web import integrations, mapping
from write_support import API, STAFF, YEAR, kpi_post, kpi_version, project_post, put_json

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

# A few examples per door and database: the whole file runs in well under a minute.
FEW = hypothesis_settings(max_examples=6, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])

HOSTILE_CHARACTERS = [chr(1), chr(0x1B), chr(0x7F), "\u202e", "\t", "\u3000", "△", "－", "ー", "㈱", "🙂"]
characters = st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"), st.sampled_from(HOSTILE_CHARACTERS))
texts = st.one_of(st.text(characters, max_size=40), st.text(characters, min_size=55, max_size=320),
                  st.sampled_from(["創業支援事業", "前橋市\n高崎市", "達成した。\n課題が残る。"]))
numbers = st.one_of(
    st.integers(-10**32, 10**32).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),
    st.sampled_from(["△100", "-1", "1e400", "996万2,058円", "9" * 30, "0", "１２３"]),
    st.text(characters, max_size=12))
units = st.one_of(st.sampled_from(["社", "人", "件", "億円", "%"]), st.text(characters, max_size=30))
qualifiers = st.sampled_from(["", "(速報値)", "（令和99年度）", "（平成40年度）", "（令和元年）", "（R4）",
                              "（明治元年）"])
figures = st.one_of(
    st.builds(lambda n, unit, q: f"{n}{unit}{q}", st.one_of(st.integers(-10**30, 10**30),
                                                          st.decimals(allow_nan=False, allow_infinity=False,
                                                                      places=12, min_value=-10**20,
                                                                      max_value=10**20)),
              st.sampled_from(["社", "人", ""]), qualifiers),
    st.sampled_from(["1e400社", "県において集計中", "（事業開始前）", "－", "3社" + chr(1)]),
    st.text(characters, max_size=30))
years = st.one_of(st.integers(2014, 2070), st.integers(0, 100_000))

# What staff type on an ordinary day, so that every door accepts some examples too.
plain = st.text(st.sampled_from("創業支援事業の効果検証まとめ課題達成ABC123。、"), max_size=30)
plain_numbers = st.integers(0, 10**12).map(lambda n: f"{n:,}")
plain_figures = st.builds(lambda n, unit, q: f"{n}{unit}{q}", st.integers(0, 10**9), st.sampled_from(["社", ""]),
                          st.sampled_from(["", "(速報値)", "（令和元年）"]))
PROJECT_FIELDS = ("title", "summary", "verification", "partner_bodies", "kpi_scope_label", "cost", "grant",
                  "start_year", "end_year")
project_values = st.one_of(
    st.fixed_dictionaries(dict(zip(PROJECT_FIELDS, (plain.map(lambda t: t or "事業"), plain, plain, plain, plain,
                                                    plain_numbers, plain_numbers, st.just(2022), st.just(2024)),
                                   strict=True))),
    st.fixed_dictionaries(dict(zip(PROJECT_FIELDS, (texts, texts, texts, texts, texts, numbers, numbers, years, years),
                                   strict=True))))
KPI_FIELDS = ("name", "unit", "baseline", "target_2023", "actual_2023", "notes")
kpi_values = st.one_of(
    st.fixed_dictionaries(dict(zip(KPI_FIELDS, (plain.map(lambda t: t or "件数"), st.just("社"), plain_figures,
                                                plain_figures, plain_figures, plain), strict=True))),
    st.fixed_dictionaries(dict(zip(KPI_FIELDS, (texts, units, figures, figures, figures, texts), strict=True))))


def _renders(world: "World") -> None:
    """The year's document is one the schema accepts, and it renders in every fast format."""
    cycle = world.cycle(YEAR)
    document = interchange.from_json(mapping.document_json(cycle))  # validates against the schema
    report = document.reports[0]
    assert report.title is not None and render_page(report)
    for fmt in ("xlsx", "csv", "json"):
        assert integrations.export(fmt, report)


def _check(world: "World", before: dict[str, list[str]], accepted: bool, outcomes: set[bool]) -> None:
    outcomes.add(accepted)
    if accepted:
        _renders(world)
    else:
        assert db_snapshot.through_django() == before


def test_project_form_stores_only_what_the_schema_accepts(world: "World") -> None:
    admin = world.client("kikaku")
    outcomes: set[bool] = set()

    @FEW
    @given(values=project_values)
    def save(values: dict[str, object]) -> None:
        data = project_post(world, kind="wide_area", **values)
        before = db_snapshot.through_django()
        response = admin.post(f"{STAFF}/projects/1/", data)
        assert response.status_code in (200, 302, 400), response.status_code
        _check(world, before, response.status_code == 302, outcomes)

    save()
    assert outcomes == {True, False}  # both branches were taken


def test_kpi_form_stores_only_what_the_schema_accepts(world: "World") -> None:
    editor = world.client("shoko")
    outcomes: set[bool] = set()

    @FEW
    @given(values=kpi_values)
    def save(values: dict[str, object]) -> None:
        data = kpi_post(world, **values)
        before = db_snapshot.through_django()
        response = editor.post(f"{STAFF}/projects/1/kpis/1/", data)
        assert response.status_code in (200, 302, 400), response.status_code
        _check(world, before, response.status_code == 302, outcomes)

    save()
    assert outcomes == {True, False}


def test_api_stores_only_what_the_schema_accepts(world: "World") -> None:
    client = world.client("shoko")
    outcomes: set[bool] = set()

    @FEW
    @given(year=years, text=st.one_of(plain_figures, figures), paragraphs=st.lists(st.one_of(plain, texts),
                                                                                    max_size=4))
    def save(year: int, text: str, paragraphs: list[str]) -> None:
        before = db_snapshot.through_django()
        response = put_json(client, f"{API}/projects/1/kpis/1/actuals/{year}",
                            {"text": text[:100], "version": kpi_version(world)})
        assert response.status_code in (200, 400), response.content
        _check(world, before, response.status_code == 200, outcomes)

        before = db_snapshot.through_django()
        version = client.get(f"{API}").json()["projects"][0]["version"]
        response = put_json(client, f"{API}/projects/1/verification", {"paragraphs": paragraphs,
                                                                        "version": version})
        assert response.status_code in (200, 400), response.content
        _check(world, before, response.status_code == 200, outcomes)

    save()
    assert outcomes == {True, False}


def test_what_the_doors_accepted_renders_as_a_pdf_too(world: "World") -> None:
    """Once, after writes through every door: the year's PDF (seconds to make, so not per example)."""
    admin = world.client("kikaku")
    assert admin.post(f"{STAFF}/projects/1/", project_post(
        world, title="創業支援事業（令和5年度）", cost="996万2,058円", grant="4,981,029", verification="達成した。")
                      ).status_code == 302
    assert admin.post(f"{STAFF}/projects/1/kpis/1/", kpi_post(
        world, unit="社", actual_2023="90社(速報値)", target_2023="4社")).status_code == 302
    assert put_json(admin, f"{API}/projects/1/kpis/1/actuals/2024", {"text": "5社（令和6年度）",
                                                                    "version": kpi_version(world)}).status_code == 200
    _renders(world)
    response = admin.get(f"{STAFF}/export/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
