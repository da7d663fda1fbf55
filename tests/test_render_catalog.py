"""Issue 16.4: the site's catalogue (DCAT-US v1.1 ``data.json``) validates against the published JSON Schema,
bundled in schema/dcat-us-1.1/ (see SOURCE.md there)."""

import copy
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from kouka.render.catalog import Download, catalog, published_dataset
from paths import ROOT
from render_support import catalog_validator as validator
from render_support import example_report

SCHEMA_DIR = ROOT / "schema" / "dcat-us-1.1"
BASE = "https://project-open-data.cio.gov/v1.1/schema/"
FEDERAL_ONLY = ("bureauCode", "programCode")  # v1.1/schema.md, "Federal Government Fields"
JST = timezone(timedelta(hours=9))


def site_catalog(modified: date | datetime = date(2023, 3, 31)) -> dict[str, Any]:
    base = "https://kouka.example.lg.jp/m/isesaki/2022/"
    downloads = [
        Download(base + "isesaki-2022.csv", "text/csv", "CSV", "オープンデータ（CSV）", base + "datapackage.json"),
        Download(base + "isesaki-2022.json", "application/json", "JSON", "kouka JSON",
                 "https://kouka.example.lg.jp/schema/kouka.schema.json"),
        Download(base + "isesaki-2022.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "XLSX", "Excel"),
        Download(base + "isesaki-2022.pdf", "application/pdf", "PDF", "PDF"),
    ]
    dataset = published_dataset(example_report(), landing_page=base, downloads=downloads, modified=modified,
                                contact_name="伊勢崎市 企画調整課", contact_email="kikaku@city.isesaki.example.jp")
    return catalog([dataset], catalog_url="https://kouka.example.lg.jp/data.json")


def problems(document: dict[str, Any], non_federal: bool = True) -> list[str]:
    errors = validator(non_federal).iter_errors(document)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


@pytest.mark.parametrize("modified", [date(2023, 3, 31), datetime(2023, 3, 31, 17, 5, tzinfo=JST)],
                         ids=["date", "datetime"])
def test_the_catalogue_validates_against_dcat_us_1_1(modified: date | datetime) -> None:
    assert problems(site_catalog(modified)) == []


def test_only_the_federal_fields_are_missing_under_the_federal_reading() -> None:
    assert problems(site_catalog(), non_federal=False) == [
        "dataset/0: 'bureauCode' is a required property", "dataset/0: 'programCode' is a required property"]


def test_the_schema_finds_what_a_harvester_would_refuse() -> None:
    broken = copy.deepcopy(site_catalog())
    entry = broken["dataset"][0]
    entry["contactPoint"]["hasEmail"] = "kikaku@city.isesaki.example.jp"  # not a mailto: address
    entry["modified"] = "令和5年3月31日"
    del entry["distribution"][0]["mediaType"]
    found = problems(broken)
    assert len(found) == 3 and any("hasEmail" in p for p in found) and any("modified" in p for p in found), found


def test_the_entry_says_what_a_japanese_portal_needs() -> None:
    entry = site_catalog()["dataset"][0]
    assert entry["title"] == "伊勢崎市 令和4年度 地方創生推進交付金事業の効果検証"
    assert entry["spatial"] == "群馬県伊勢崎市（全国地方公共団体コード 102041）"
    assert entry["temporal"] == "2022-04-01/2023-03-31" and entry["modified"] == "2023-03-31"
    assert entry["license"] == "https://creativecommons.org/licenses/by/4.0/" and entry["language"] == ["ja"]
    assert entry["publisher"]["name"] == "伊勢崎市" and entry["accessLevel"] == "public"
    assert [d["format"] for d in entry["distribution"]] == ["CSV", "JSON", "XLSX", "PDF"]
    assert entry["describedBy"].endswith("datapackage.json")
    urls = [entry["identifier"], entry["landingPage"], *(d["downloadURL"] for d in entry["distribution"])]
    assert all(url.startswith("https://") for url in urls)  # the schema's uri format is not checked without rfc3987


def test_the_bundled_schema_is_the_published_one_unchanged() -> None:
    ids = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in SCHEMA_DIR.glob("*.json")}
    assert ids == {BASE + f"{name}.json#" for name in ("catalog", "dataset", "distribution", "organization", "vcard")}
    dataset = json.loads((SCHEMA_DIR / "dataset.json").read_text(encoding="utf-8"))
    assert set(FEDERAL_ONLY) <= set(dataset["required"])  # as published; the tests relax it, the file is not edited
    assert "CC0" in (SCHEMA_DIR / "SOURCE.md").read_text(encoding="utf-8")
