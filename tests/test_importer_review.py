"""kouka.importers.review: the review screen's values of an imported report, and the report with corrections."""

from dataclasses import replace
from pathlib import Path

import pytest

from kouka import interchange
from kouka.domain.model import Report
from kouka.importers.review import Reviewed, apply_review, review_of
from paths import EXAMPLE, ROOT

DOCUMENTS = [*sorted((ROOT / "tests" / "fixtures" / "import").glob("*.expected.json")), EXAMPLE]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_a_review_confirmed_unchanged_gives_back_what_was_read(path: Path) -> None:
    """Every value shown is read back as it was (figures through the city's notation, amounts in yen)."""
    for report in interchange.load(path).reports:
        if not report.fiscal_year:  # a draft without its year: the review's other tests fill it
            continue
        got = apply_review(report, review_of(report)).report
        assert interchange.report_json(got) == interchange.report_json(report)


def report_without_year() -> Report:
    return interchange.load(ROOT / "tests" / "fixtures" / "import" / "kirigaoka-2023-no-year.expected.json").reports[0]


def test_the_figures_kept_as_notes_are_the_fields_and_are_filed_under_the_year_filled_in() -> None:
    report = report_without_year()
    review = review_of(report)
    kpi = review.projects[0].kpis[0]
    assert (kpi.name, kpi.target, kpi.actual) == ("夜間観光客数", "2,500人", "2,740人")
    got = apply_review(report, replace(review, fiscal_year=2023)).report
    filed = got.projects[0].kpis[0]
    assert (filed.targets[2023].text, filed.actuals[2023].text, filed.notes) == ("2,500人", "2,740人", [])
    assert (got.fiscal_year, got.projects[0].start_year, got.projects[0].end_year, got.draft) == (2023, 2023, 2023,
                                                                                                  False)


def test_without_a_year_the_figures_stay_notes_and_the_report_a_draft() -> None:
    report = report_without_year()
    got = apply_review(report, review_of(report)).report
    assert got.draft and got.projects[0].kpis[0].notes == ["目標値: 2,500人", "実績値: 2,740人"]


def test_a_path_of_the_corrected_report_names_the_field_of_the_review() -> None:
    reviewed = Reviewed(report_without_year(), origins=[(2, [1, 3])])
    assert reviewed.review_path("$.reports[0].projects[0].kpis[1].targets.2023.value") == (
        "$.reports[0].projects[2].kpis[3].targets.2023.value")
    assert reviewed.review_path("$.reports[0].projects[0].cost_yen") == "$.reports[0].projects[2].cost_yen"
    assert reviewed.review_path("$.reports[0].fiscal_year") == "$.reports[0].fiscal_year"


def test_a_review_of_another_reading_is_refused() -> None:
    report = report_without_year()
    review = review_of(report)
    with pytest.raises(ValueError, match="another reading"):
        apply_review(report, replace(review, projects=()))
