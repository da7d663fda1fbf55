"""The staff import's upload form and review screen through the site (uploads read in the request): 対象年度・
団体名・都道府県 supplied at the upload as ``kouka import --year`` does, each value read shown as a field beside the
line it came from, and confirming stores the corrected draft, or, refused, nothing. SQLite and PostgreSQL."""

import re
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kouka.web import mapping
from kouka.web.models import Change, Cycle, State
from review_support import form_text

if TYPE_CHECKING:
    from django.test import Client

    from web_fixtures import World


def upload(client: "Client", **fields: str) -> str:
    response = client.post("/staff/import/", {"file": SimpleUploadedFile("isesaki-form.txt", form_text()), **fields})
    assert response.status_code == 200
    return response.content.decode()


def shown_values(page: str) -> dict[str, str]:
    """The review form as the page shows it: each input's name → its value (a checked box → "on")."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name[1] == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name[1]] = value[1] if value else ("on" if 'type="checkbox"' in tag else "")
    return values


def test_a_year_that_cannot_be_read_is_refused_at_its_field(world: "World") -> None:
    response = world.client("kikaku").post("/staff/import/", {
        "file": SimpleUploadedFile("isesaki-form.txt", form_text()), "year": "来年度"})
    page = response.content.decode()
    assert re.search(r'id="id_year"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_year"', page)
    assert "対象年度「来年度」を読み取れません（例: 令和4年度）" in page


def test_the_year_supplied_at_the_upload_is_read_into_the_review(world: "World") -> None:
    page = upload(world.client("kikaku"), year="令和６年度", municipality="伊勢崎市", prefecture="群馬県")
    values = shown_values(page)
    assert values["fiscal_year"] == "令和6年度"
    assert (values["p0_k0_target"], values["p0_k0_actual"]) == ("20人", "23人")
    assert "対象年度が読み取れません" not in page


def test_the_review_shows_each_value_beside_its_source_and_the_missing_year_at_its_field(world: "World") -> None:
    page = upload(world.client("kikaku"))
    values = shown_values(page)
    assert (values["fiscal_year"], values["municipality"], values["p0_cost"]) == ("", "伊勢崎市", "12,400,000")
    source = page[page.index('id="source-p0_cost"'):]
    assert re.match(r'id="source-p0_cost">\s*<span class="review-place">読み取り元: 8行目</span>\s*<q>12,400</q>',
                    source), source[:200]
    assert 'aria-describedby="source-p0_cost"' in page
    year_row = page[page.index('for="id_fiscal_year"'):page.index('id="source-fiscal_year"')]
    assert "対象年度が読み取れません" in year_row  # the finding beside the field it concerns


def test_confirm_with_a_correction_and_the_year_stores_the_draft(world: "World") -> None:
    admin = world.client("kikaku")
    values = shown_values(upload(admin))
    values |= {"fiscal_year": "令和6年度", "p0_cost": "1,248万円", "p1_k0_drop": "on"}
    response = admin.post("/staff/import/confirm/", values)
    assert response.status_code == 302 and response["Location"] == "/staff/2024/"
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2024)
    report = mapping.report_of(cycle)
    assert cycle.state == State.DRAFT
    assert [(p.title, p.cost_yen, len(p.kpis)) for p in report.projects] == [
        ("いせさき創業支援拠点運営事業", 12_480_000, 1), ("いせさき農産物ブランド化事業", 5_300_000, 0)]
    page = admin.get("/staff/2024/").content.decode()
    assert "2事業を令和6年度の下書きとして取り込みました" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({}, "fiscal_year", "対象年度を入力してください"),
    ({"fiscal_year": "令和6年度", "p0_cost": "たくさん"}, "p0_cost", "数値として読めません"),
    ({"fiscal_year": "令和6年度", "p1_title": ""}, "p1_title", "事業名が空です"),
    ({"fiscal_year": "令和6年度", "p0_k0_actual": "たくさん"}, "p0_k0_actual", "事業① 成果目標① 実績値: "),
])
def test_a_refused_confirm_says_why_at_the_field_and_stores_nothing(world: "World", changes: dict[str, str],
                                                                     field: str, message: str) -> None:
    admin = world.client("kikaku")
    values = shown_values(upload(admin)) | changes
    cycles, changes_before = Cycle.objects.count(), Change.objects.count()
    response = admin.post("/staff/import/confirm/", values)
    page = response.content.decode()
    assert response.status_code == 400
    row = page[page.index(f'for="id_{field}"'):page.index(f'id="source-{field}"')]
    assert message in row and 'class="error"' in row, row
    assert (Cycle.objects.count(), Change.objects.count()) == (cycles, changes_before)
    assert shown_values(page)[field] == values[field]  # what was typed is shown again
