"""Shared by the render tests: the example report, the seed's own words for money and KPI values, hostile text."""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from kouka import interchange
from kouka.domain.model import Measurement, Report
from paths import EXAMPLE, ROOT

# Every cost, grant and the total as the seed (000_4681f277236dbcf0.txt) writes them.
SEED_MONEY = ("996万2,058円", "498万1,029円", "1,929万3,030円", "964万6,515円", "20万円", "10万円", "1,472万7,544円")
# Every KPI figure (baseline, target, actual) as the seed writes it.
SEED_VALUES = (
    "（事業開始前）", "4社", "2社", "10人", "27人", "27,700人", "30,000人", "39,400人",
    "11,788億円（令和元年）", "12,025億円（令和2年）", "10,060億円（令和2年）", "10件", "5件", "2件",
    "232人", "237人", "253人", "15件", "25件", "県において集計中", "3社", "6社", "1社", "23社",
    "45社", "85社", "90社(速報値)",
)
SCRIPT = "<script>alert('kouka')</script>"
FORMULA = "=cmd|'/c calc'!A1"


def example_report() -> Report:
    return interchange.load(EXAMPLE).reports[0]


def hostile_report() -> Report:
    """The example with a script and a spreadsheet formula in many text fields."""
    report = copy.deepcopy(example_report())
    report.introduction.append(SCRIPT)
    project = report.projects[0]
    project.title = f"{FORMULA} {SCRIPT}"
    project.departments = [FORMULA, SCRIPT]
    project.summary = [SCRIPT, FORMULA]
    project.verification = [FORMULA, SCRIPT]
    kpi = project.kpis[0]
    kpi.name = SCRIPT
    kpi.actuals[report.fiscal_year] = Measurement(None, kpi.unit, text=FORMULA)
    project.kpis[1].name = FORMULA
    return report


def squeezed(text: str) -> str:
    """Text without any whitespace: PDF text extraction breaks lines inside table cells."""
    return "".join(text.split())


def soffice_convert(source: Path, target_format: str, workdir: Path, *extra: str) -> Path:
    """``source`` converted by Debian's LibreOffice, headless (``soffice --convert-to``), into ``workdir``."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        raise AssertionError("LibreOffice is missing: run scripts/setup-system (libreoffice-calc-nogui)")
    profile = workdir / "lo-profile"  # a profile of its own: no clash with a running LibreOffice or another test
    out = workdir / "converted"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", *extra,
                    "--convert-to", target_format, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    converted = out / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.exists(), f"LibreOffice wrote nothing for {source.name}"
    return converted


DCAT_SCHEMA_DIR = ROOT / "schema" / "dcat-us-1.1"
DCAT_BASE = "https://project-open-data.cio.gov/v1.1/schema/"
FEDERAL_ONLY = ("bureauCode", "programCode")  # v1.1/schema.md, "Federal Government Fields"


def catalog_validator(non_federal: bool = True) -> jsonschema.Draft4Validator:
    """The published schema, its five files resolved by their ids; for a non-federal publisher the two fields
    the specification reserves for the U.S. Federal Government are not required."""
    schemas = {name: json.loads((DCAT_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
               for name in ("catalog", "dataset", "distribution", "organization", "vcard")}
    if non_federal:
        schemas["dataset"]["required"] = [f for f in schemas["dataset"]["required"] if f not in FEDERAL_ONLY]
    registry: Registry[Any] = Registry().with_resources(
        (DCAT_BASE + f"{name}.json", Resource.from_contents(schema, default_specification=DRAFT4))
        for name, schema in schemas.items())
    return jsonschema.Draft4Validator(schemas["catalog"], registry=registry,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


