"""The site's catalogue of published datasets as a DCAT-US v1.1 ``data.json``, which CKAN's data.json
harvester (ckanext-datajson) reads: one dataset per published report (a municipality's fiscal year), with its
licence, publisher, contact, modified date and a distribution per download (CSV, JSON, Excel, PDF).

Dates are ISO 8601; a report's fiscal year is its ``temporal`` interval (2022-04-01/2023-03-31); the
全国地方公共団体コード is named in ``spatial``. The schema's two fields of the U.S. Federal Government
(bureauCode, programCode) are left out, as the specification says non-federal publishers may
(``schema/dcat-us-1.1/SOURCE.md``).

A pure function: the web application passes what it knows (addresses, dates, contact) and serves the dict as
JSON.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Body, Report
from kouka.render.datapackage import CC_BY_4, Licence
from kouka.render.html import report_heading

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
SCHEMA = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Download:
    """One file of a dataset: its address, media type (text/csv) and format as people name it (CSV)."""

    url: str
    media_type: str
    format: str
    title: str
    described_by: str = ""  # the address of its data dictionary (datapackage.json, a JSON Schema)


@dataclass(frozen=True)
class PublishedDataset:
    """What the catalogue says of one published report."""

    municipality: Body
    fiscal_year: int
    title: str
    modified: date | datetime
    landing_page: str  # the public page of the report; also the dataset's identifier
    downloads: tuple[Download, ...]
    publisher: str
    contact_name: str
    contact_email: str
    licence: Licence = CC_BY_4
    program: str = "地方創生推進交付金"
    issued: date | datetime | None = None


def published_dataset(report: Report, *, landing_page: str, downloads: Iterable[Download],
                      modified: date | datetime, contact_name: str, contact_email: str, publisher: str = "",
                      licence: Licence = CC_BY_4, issued: date | datetime | None = None) -> PublishedDataset:
    """The catalogue's entry for ``report``: its body, year, program and heading come from the report; the
    publisher is the municipality unless another is named."""
    return PublishedDataset(
        municipality=report.municipality, fiscal_year=report.fiscal_year, title=report_heading(report),
        modified=modified, landing_page=landing_page, downloads=tuple(downloads),
        publisher=publisher or report.municipality.name, contact_name=contact_name, contact_email=contact_email,
        licence=licence, program=report.program.name, issued=issued)


def _distribution(download: Download) -> dict[str, Any]:
    entry: dict[str, Any] = {"@type": "dcat:Distribution", "title": download.title, "downloadURL": download.url,
                             "mediaType": download.media_type, "format": download.format}
    if download.described_by:
        entry["describedBy"], entry["describedByType"] = download.described_by, JSON_TYPE
    return entry


def _spatial(body: Body) -> str:
    """群馬県伊勢崎市（全国地方公共団体コード 102041）."""
    place = f"{body.prefecture}{body.name}" if body.prefecture != body.name else body.name
    return f"{place}（全国地方公共団体コード {body.code}）" if body.code else place


def dataset_entry(dataset: PublishedDataset) -> dict[str, Any]:
    """One dataset of the catalogue (DCAT-US v1.1 dataset.json)."""
    body, year = dataset.municipality, dataset.fiscal_year
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "title": dataset.title,
        "description": f"{_spatial(body)}の{format_fiscal_year(year)}（{year}年度）{dataset.program}事業の効果検証："
                       "事業ごとの事業費と交付金充当額、成果目標（KPI）の基準値・目標値・実績値と達成の判定。",
        "keyword": [dataset.program, "効果検証", "成果目標", "KPI", *filter(None, (body.name, body.prefecture))],
        "modified": dataset.modified.isoformat(),
        "publisher": {"@type": "org:Organization", "name": dataset.publisher},
        "contactPoint": {"@type": "vcard:Contact", "fn": dataset.contact_name,
                         "hasEmail": f"mailto:{dataset.contact_email}"},
        "identifier": dataset.landing_page,
        "accessLevel": "public",
        "license": dataset.licence.path,
        "landingPage": dataset.landing_page,
        "language": ["ja"],
        "spatial": _spatial(body),
        "temporal": f"{year}-04-01/{year + 1}-03-31",  # the fiscal year (年度), April to March
        "accrualPeriodicity": "R/P1Y",
        "theme": ["地方創生"],
        "distribution": [_distribution(download) for download in dataset.downloads],
    }
    if dataset.issued is not None:
        entry["issued"] = dataset.issued.isoformat()
    dictionaries = [download.described_by for download in dataset.downloads if download.described_by]
    if dictionaries:
        entry["describedBy"], entry["describedByType"] = dictionaries[0], JSON_TYPE
    return entry


def catalog(datasets: Iterable[PublishedDataset], *, catalog_url: str) -> dict[str, Any]:
    """The ``data.json`` catalogue of ``datasets`` served at ``catalog_url`` (newest first, as given)."""
    return {
        "@context": CONTEXT,
        "@id": catalog_url,
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": SCHEMA,
        "dataset": [dataset_entry(dataset) for dataset in datasets],
    }
