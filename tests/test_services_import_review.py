"""The import's review (kouka.importers.review through kouka.web.services.imports): a flattened form without its
fiscal year is read as a draft; the planning division corrects, fills and drops, and confirming stores the
corrected draft of that year, or nothing. On SQLite and PostgreSQL (the ``world`` fixture)."""

import json
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.domain.model import Body, Document
from kouka.importers.partial import Supplied
from kouka.importers.review import Review, apply_review, review_of
from kouka.web import mapping
from kouka.web.models import Change, Cycle, State
from kouka.web.services.cycles import PublishRefused, cycle_transition
from kouka.web.services.imports import import_confirm, import_parse, import_preview
from kouka.web.services.writes import Invalid, StaleVersion
from paths import EXAMPLE
from review_support import form_text

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def read(supplied: Supplied | None = None) -> Document:
    return import_parse(form_text(), "isesaki-form.txt", supplied).document


def test_a_form_without_its_year_is_read_as_a_draft_with_its_figures_in_the_review() -> None:
    parsed = import_parse(form_text(), "isesaki-form.txt")
    report = parsed.document.reports[0]
    assert report.draft and report.fiscal_year == 0
    assert "import_no_fiscal_year" in {f.code for f in parsed.findings}
    review = review_of(report)
    assert (review.fiscal_year, review.municipality, review.prefecture) == (None, "伊勢崎市", "群馬県")
    first = review.projects[0]
    assert (first.title, first.cost_yen, first.grant_yen) == ("いせさき創業支援拠点運営事業", 12_400_000, 6_200_000)
    assert (first.kpis[0].name, first.kpis[0].target, first.kpis[0].actual) == ("創業者数", "20人", "23人")
    assert parsed.sources["$.reports[0].projects[0].cost_yen"] == "8行目"
    assert parsed.excerpts["$.reports[0].projects[0].cost_yen"] == "12,400"


def test_filling_the_year_equals_supplying_it_at_the_upload() -> None:
    """The year filled on the review files the figures as ``--year`` (the upload form's 対象年度) does."""
    reviewed = apply_review(read().reports[0], replace(review_of(read().reports[0]), fiscal_year=2024)).report
    supplied = read(Supplied(2024)).reports[0]
    assert reviewed.fiscal_year == supplied.fiscal_year == 2024
    for got, want in zip(reviewed.projects, supplied.projects, strict=True):
        assert (got.start_year, got.end_year, got.cost_yen) == (want.start_year, want.end_year, want.cost_yen)
        assert [(k.name, k.targets, k.actuals, k.notes) for k in got.kpis] == [
            (k.name, k.targets, k.actuals, k.notes) for k in want.kpis]


def corrected(document: Document, **changes: object) -> Review:
    """The review as read, with the year 2024, the first project's cost corrected, and ``changes``."""
    review = review_of(document.reports[0])
    first = replace(review.projects[0], cost_yen=12_480_000)
    return replace(review, **{"fiscal_year": 2024, "projects": (first, *review.projects[1:])} | changes)


def test_confirm_stores_the_corrected_draft_of_the_year_filled_in(world: "World") -> None:
    admin = world.member("kikaku")
    document = read()
    review = corrected(document)
    preview = import_preview(member=admin, document=document, review=review)
    assert preview.conflicts == [] and preview.seen == {"2024": None}
    assert import_confirm(member=admin, document=document, seen=preview.seen, review=review) == 2
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2024)
    assert cycle.state == State.DRAFT and cycle.revision == 0  # a draft, not published
    stored = mapping.report_of(cycle)
    assert [(p.title, p.cost_yen, p.grant_yen, p.start_year, p.end_year) for p in stored.projects] == [
        ("いせさき創業支援拠点運営事業", 12_480_000, 6_200_000, 2024, 2024),
        ("いせさき農産物ブランド化事業", 5_300_000, 2_650_000, 2024, 2024)]
    kpi = stored.projects[0].kpis[0]
    assert (kpi.targets[2024].value, kpi.actuals[2024].value, kpi.notes) == (Decimal(20), Decimal(23), [])
    assert Change.objects.get(action="import", cycle=cycle).target == "2024年度 取込"


def test_a_dropped_project_and_kpi_are_not_stored(world: "World") -> None:
    admin = world.member("kikaku")
    document = read()
    review = corrected(document)
    second = replace(review.projects[1], kpis=(replace(review.projects[1].kpis[0], keep=False),))
    review = replace(review, projects=(replace(review.projects[0], keep=False), second))
    assert import_confirm(member=admin, document=document, seen={}, review=review) == 1
    stored = mapping.report_of(Cycle.objects.get(municipality=world.isesaki, fiscal_year=2024))
    assert [(p.number, p.title, p.kpis) for p in stored.projects] == [(2, "いせさき農産物ブランド化事業", [])]


def test_a_refused_confirm_names_each_field_of_the_review_and_stores_nothing(world: "World") -> None:
    """No year, a figure that is not one, and an empty name in the project after a dropped one: every problem is
    at its field of the review (the dropped project still counts), and nothing is written."""
    admin = world.member("kikaku")
    document = read()
    review = review_of(document.reports[0])
    second = replace(review.projects[1], title=" ", kpis=(replace(review.projects[1].kpis[0], target="たくさん"),))
    review = replace(review, projects=(replace(review.projects[0], keep=False), second))
    cycles, changes = Cycle.objects.count(), Change.objects.count()
    with pytest.raises(Invalid) as refused:
        import_confirm(member=admin, document=document, seen={}, review=review)
    paths = {f.path for f in refused.value.findings}
    assert paths == {"$.reports[0].fiscal_year", "$.reports[0].projects[1].title",
                     "$.reports[0].projects[1].kpis[0].targets"}, paths
    assert any("対象年度を入力してください" in f.message for f in refused.value.findings)
    assert (Cycle.objects.count(), Change.objects.count()) == (cycles, changes)


def test_a_year_filled_in_that_holds_projects_is_shown_before_it_is_replaced(world: "World") -> None:
    """令和5年度 has the demo's draft: confirming into it unseen is refused; once the review showed it, it is
    replaced."""
    admin = world.member("kikaku")
    document = read()
    review = corrected(document, fiscal_year=2023)
    before = mapping.report_json(world.cycle(2023))
    with pytest.raises(StaleVersion, match="既に事業があり"):
        import_confirm(member=admin, document=document, seen={}, review=review)
    assert mapping.report_json(world.cycle(2023)) == before
    preview = import_preview(member=admin, document=document, review=review)
    assert preview.conflicts == ["2023年度の作成中データは置き換えられます"]
    assert import_confirm(member=admin, document=document, seen=preview.seen, review=review) == 2
    assert mapping.report_of(world.cycle(2023)).projects[0].title == "いせさき創業支援拠点運営事業"


def test_an_imported_draft_with_gaps_cannot_be_published(world: "World") -> None:
    """Confirmed with the grant of a project left empty: the draft goes through the cycle, and publishing is
    refused naming what is missing."""
    admin = world.member("kikaku")
    document = read()
    review = corrected(document)
    review = replace(review, projects=(replace(review.projects[0], grant_yen=None), *review.projects[1:]))
    import_confirm(member=admin, document=document, seen={}, review=review)
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2024)
    for step in ("submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    with pytest.raises(PublishRefused) as refused:
        cycle_transition(member=admin, cycle=cycle, name="publish", acknowledged=True)
    assert "事業① 交付金充当額がありません" in str(refused.value)
    cycle.refresh_from_db()
    assert cycle.state == State.REVIEWED and cycle.revision == 0


def as_json_upload(document: Document) -> bytes:
    return json.dumps(interchange.to_json(document), ensure_ascii=False).encode()


def test_a_kouka_file_without_its_year_and_body_takes_them_from_the_upload_form() -> None:
    draft = read().reports[0]
    draft.municipality = Body("")
    parsed = import_parse(as_json_upload(Document([draft])), "draft.json", Supplied(2024, "伊勢崎市", "群馬県"))
    report = parsed.document.reports[0]
    assert (report.fiscal_year, report.municipality) == (2024, Body("伊勢崎市", "群馬県", "102041"))
    assert not {"import_supplied_differs", "import_supplied_not_used"} & {f.code for f in parsed.findings}


def test_what_a_kouka_file_states_is_kept_and_a_different_value_supplied_is_named() -> None:
    """A kouka file keys its figures by year: the year it states stays, and the finding names both years."""
    parsed = import_parse(EXAMPLE.read_bytes(), "isesaki-2022.json", Supplied(2023, "伊勢崎市"))
    report = parsed.document.reports[0]
    assert (report.fiscal_year, report.municipality.name) == (2022, "伊勢崎市")
    differs = [f for f in parsed.findings if f.code == "import_supplied_differs"]
    assert [(f.path, f.message) for f in differs] == [(
        "$.reports[0].fiscal_year", "ファイルには「令和4年度」とあるため、指定された「令和5年度」は使いませんでした。"
        "違う場合はこの画面で直してください")]


def test_a_kouka_file_of_several_reports_is_not_given_the_values_supplied() -> None:
    first = interchange.load_bytes(EXAMPLE.read_bytes()).reports[0]
    second = replace(first, fiscal_year=2023)
    parsed = import_parse(as_json_upload(Document([first, second])), "two.json", Supplied(2024))
    assert [r.fiscal_year for r in parsed.document.reports] == [2022, 2023]
    assert [(f.code, f.path) for f in parsed.findings if f.code.startswith("import_supplied")] == [
        ("import_supplied_not_used", "$.reports")]


def test_a_prefecture_supplied_with_another_municipality_is_not_given_to_the_one_the_file_names() -> None:
    draft = read().reports[0]
    draft.municipality = Body("伊勢崎市")
    parsed = import_parse(as_json_upload(Document([draft])), "draft.json", Supplied(None, "札幌市", "北海道"))
    assert parsed.document.reports[0].municipality == Body("伊勢崎市", "群馬県", "")
    differs = [f.path for f in parsed.findings if f.code == "import_supplied_differs"]
    assert differs == ["$.reports[0].municipality.name"]
