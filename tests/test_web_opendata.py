"""Issue 16.4 on the site: the CSV download with a BOM by default (``?bom=0`` without) and with Japanese 列名,
the year's Data Package, and the DCAT-US ``/catalog.json`` that CKAN-based portals harvest."""

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from frictionless import validate

from kouka.render.opendata import COLUMN_NAMES, COLUMN_TITLES
from kouka.web.models import Cycle, State
from render_support import catalog_validator, soffice_convert

if TYPE_CHECKING:
    from web_fixtures import World

BOM = "\ufeff".encode()
CSV_URL = "/m/isesaki/2022/export/csv/"


def test_the_csv_download_has_a_bom_unless_asked_and_a_japanese_header_variant(world: "World") -> None:
    client = world.client("anonymous")
    with_bom = client.get(CSV_URL).content
    without = client.get(CSV_URL, {"bom": "0"}).content
    japanese = client.get("/m/isesaki/2022/export/csv-ja/")
    assert with_bom.startswith(BOM) and not without.startswith(BOM) and with_bom[len(BOM):] == without
    assert next(csv.reader(io.StringIO(without.decode("utf-8")))) == list(COLUMN_NAMES)
    body = japanese.content.decode("utf-8-sig")
    assert japanese.content.startswith(BOM) and next(csv.reader(io.StringIO(body))) == list(COLUMN_TITLES)
    assert 'filename="isesaki-2022-r1-ja.csv"' in japanese["Content-Disposition"]
    page = client.get("/m/isesaki/2022/").content.decode()
    assert re.search(r'href="/m/isesaki/2022/r/[0-9a-f]{32}/export/csv-ja/"', page)
    assert "/m/isesaki/2022/datapackage.json" in page


def test_the_web_csv_opens_in_libreoffice_with_japanese_intact(world: "World", tmp_path: Path) -> None:
    source = tmp_path / "isesaki.csv"
    source.write_bytes(world.client("anonymous").get("/m/isesaki/2022/export/csv-ja/").content)
    book = openpyxl.load_workbook(soffice_convert(source, "xlsx", tmp_path, "--infilter=CSV:44,34,0,1"))
    shown = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    assert shown[0] == list(COLUMN_TITLES)  # no mojibake, no stray BOM in the first heading
    assert [row[0] for row in shown[1:]] == ["伊勢崎市"] * (len(shown) - 1) and len(shown) > 1


def test_the_years_data_package_validates_against_the_downloaded_csv(world: "World", tmp_path: Path) -> None:
    client = world.client("anonymous")
    package = client.get("/m/isesaki/2022/datapackage.json").json()
    resource = package["resources"][0]
    assert resource["path"] == "http://testserver" + CSV_URL and resource["encoding"] == "utf-8-sig"
    assert [f["name"] for f in resource["schema"]["fields"]] == list(COLUMN_NAMES)
    assert all(f["title"] for f in resource["schema"]["fields"])  # each column's Japanese title
    (tmp_path / "isesaki-2022.csv").write_bytes(client.get(CSV_URL).content)
    resource["path"] = "isesaki-2022.csv"  # the same bytes, read from a file: frictionless reads no test server
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = validate(str(tmp_path / "datapackage.json"))
    errors = [e.note for task in report.tasks for e in task.errors] + [e.note for e in report.errors]
    assert errors == []


def test_the_catalogue_lists_every_published_year_and_validates(world: "World", settings: Any) -> None:
    settings.KOUKA_CATALOG_EMAIL = "opendata@city.isesaki.example.jp"  # as docs/production.md says to set it
    client = world.client("anonymous")
    document = client.get("/catalog.json").json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in catalog_validator().iter_errors(document)]
    assert errors == []
    landing = [d["landingPage"] for d in document["dataset"]]
    published = Cycle.objects.filter(revision__gt=0).count()
    assert landing[0] == "http://testserver/m/isesaki/2022/" and len(landing) == published
    entry = document["dataset"][0]
    assert entry["license"].startswith("https://creativecommons.org/") and entry["language"] == ["ja"]
    assert "102041" in entry["spatial"] and entry["publisher"]["name"] == "伊勢崎市"
    assert entry["contactPoint"]["hasEmail"] == "mailto:opendata@city.isesaki.example.jp"
    urls = {d["downloadURL"] for d in entry["distribution"]}
    assert "http://testserver" + CSV_URL in urls and entry["describedBy"].endswith("/2022/datapackage.json")
    # a year still in the works is not in the catalogue
    assert not any("/2023/" in url for url in landing)
    assert Cycle.objects.filter(fiscal_year=2023, state=State.DRAFT).exists()
