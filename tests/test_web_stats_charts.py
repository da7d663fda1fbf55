"""The dashboards' charts (kouka.web.stats.charts) show the numbers of the tables beside them: read from the pages
the way a reader would (the SVG's data attributes and text alternative against the table's cells), with and
without filters; the share of 成果目標 met is 達成割合, never 達成率; 億円 KPIs are not listed under a bare 「円」."""

import re
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup, Tag
from django.conf import settings
from django.test import Client

from kouka.domain.jpnumbers import parse_yen
from kouka.domain.rules import JUDGEMENT_LABELS, Judgement
from kouka.web.stats.charts import AreaValue, prefecture_map_svg, prefecture_paths

if TYPE_CHECKING:
    from stats_fixtures import SynthWorld
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

SHARE = "達成割合"


def table_after(soup: BeautifulSoup, heading_id: str) -> dict[str, dict[str, str]]:
    """The table under heading ``heading_id``: row label → column header → cell text."""
    table = soup.find("table", attrs={"aria-labelledby": heading_id})
    assert isinstance(table, Tag), heading_id
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    headers = [SHARE if h.startswith(SHARE) else h for h in headers]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return rows


def count_of(text: str) -> int:
    """「1,234（40.0%）」 → 1234."""
    return int(text.split("（")[0].replace(",", ""))


def share_of(text: str) -> str:
    """「1,234（40.0%）」 → 40.0."""
    found = re.search(r"（([\d.]+)%）", text)
    return found.group(1) if found else ""


def check_shares_chart(soup: BeautifulSoup) -> int:
    """Each year's bar equals the 年度別 table's row; returns how many years were compared."""
    table = table_after(soup, "by-year")
    chart = soup.select_one("svg.stats-chart.shares")
    assert chart is not None and chart.get("role") == "img"
    desc = chart.find("desc").get_text()
    years = chart.select("g.year")
    assert [g["data-year"] for g in years] == list(table)
    for group in years:
        row = table[group["data-year"]]
        assert int(group["data-total"]) == count_of(row["成果目標数"])
        assert f'{group["data-met-share"]}%' == row[SHARE] or (group["data-met-share"] == "" and row[SHARE] == "－")
        for rect in group.select("rect[data-judgement]"):
            label = JUDGEMENT_LABELS[Judgement(rect["data-judgement"])]
            assert int(rect["data-count"]) == count_of(row[label])
            assert rect["data-share"] == share_of(row[label])
            assert f"{label} {count_of(row[label]):,}件" in desc
        assert f'{group["data-year"]}: 成果目標 {count_of(row["成果目標数"]):,}件' in desc
        assert f"{SHARE} {row[SHARE]}" in desc
    return len(years)


@pytest.mark.parametrize("query", ["", "?year={year}", "?kind=single", "?unit=人"])
def test_the_national_charts_show_the_tables_numbers_with_the_filters(synth_world: "SynthWorld", query: str) -> None:
    year = min(report["fiscal_year"] for report in synth_world.raw)
    page = Client().get("/stats/" + query.format(year=year)).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert check_shares_chart(soup) >= 1
    table = table_after(soup, "by-prefecture")
    paths = {p["data-prefecture"]: p for p in soup.select("svg.map path[data-met-share]")}
    assert set(paths) == set(table) and len(soup.select("svg.map path")) == 47
    desc = soup.select_one("svg.map desc").get_text()
    for prefecture, row in table.items():
        path = paths[prefecture]
        assert f'{path["data-met-share"]}%' == row[SHARE] or (path["data-met-share"] == "" and row[SHARE] == "－")
        assert int(path["data-grant-yen"]) == parse_yen(row["交付金充当額"])
        assert f"{prefecture} {row[SHARE]}" in desc
    assert "達成率" not in page  # the share of KPIs met is 達成割合; 達成率 is a KPI's actual ÷ target


def test_the_map_coloured_by_grant_says_the_grant(synth_world: "SynthWorld") -> None:
    soup = BeautifulSoup(Client().get("/stats/?map=grant").content.decode(), "html.parser")
    table = table_after(soup, "by-prefecture")
    desc = soup.select_one("svg.map desc").get_text()
    assert soup.select_one("svg.map title").get_text() == "都道府県別の交付金充当額"
    for prefecture, row in table.items():
        assert f"{prefecture} {row['交付金充当額']}" in desc
    fills = {p["data-prefecture"]: p["fill"] for p in soup.select("svg.map path[data-grant-yen]")}
    most = max(table, key=lambda p: parse_yen(table[p]["交付金充当額"]))
    assert fills[most] == "#08519c"  # the darkest step is the largest grant


def test_prefecture_and_municipality_pages_chart_their_own_figures(synth_world: "SynthWorld") -> None:
    national = BeautifulSoup(Client().get("/stats/").content.decode(), "html.parser")
    prefecture = next(iter(table_after(national, "by-prefecture")))
    soup = BeautifulSoup(Client().get(f"/stats/{prefecture}/").content.decode(), "html.parser")
    assert check_shares_chart(soup) >= 1
    link = soup.select_one("table.ranked tbody a[href^='/stats/m/']")
    assert link is not None
    body = BeautifulSoup(Client().get(link["href"]).content.decode(), "html.parser")
    assert check_shares_chart(body) >= 1
    assert body.select("#series ~ section svg")  # each KPI's series against its targets


def test_yen_kpis_are_listed_as_including_oku_and_man_yen(world: "World") -> None:
    """伊勢崎市's 事業③ counts a KPI in 円: its group says that 万円 and 億円 KPIs are in it too."""
    soup = BeautifulSoup(Client().get("/stats/").content.decode(), "html.parser")
    units = table_after(soup, "by-unit")
    assert "円" not in units and "円（千円・万円・億円の成果目標を含む）" in units
    options = [o.get_text() for o in soup.select("#f-unit option")]
    assert "円（千円・万円・億円の成果目標を含む）" in options


def test_every_prefecture_has_a_shape_and_an_empty_map_says_so() -> None:
    paths = prefecture_paths()
    assert len(paths) == 47 and "群馬県" in paths and "沖縄県" in paths
    empty = prefecture_map_svg([])
    assert "公表された報告はまだありません" in empty and empty.count('fill="#f0f0f0"') >= 47
    one = prefecture_map_svg([AreaValue("群馬県", None, 0)])
    assert 'data-prefecture="群馬県" data-met-share="" data-grant-yen="0"' in one
