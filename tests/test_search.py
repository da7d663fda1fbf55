"""The public search (issue 12, item 2): an index kept with each publication and each bulk load, paginated,
never holding a draft, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connections

from database_support import ENGINES, fresh_database
from kouka import synth
from kouka.domain.model import Body, Kpi, Measurement, Project, Report
from kouka.domain.search import folded, search_terms, too_short
from kouka.web import dbrouter, mapping, selectors
from kouka.web.models import Cycle, SearchEntry
from kouka.web.ops import backup
from kouka.web.ops.bulkload import load
from kouka.web.services.cycles import cycle_transition
from web_fixtures import OTHER_TITLE

if TYPE_CHECKING:
    from web_fixtures import World


def found(query: str) -> list[tuple[str, int, int]]:
    return [(e.municipality.slug, e.fiscal_year, e.project_number) for e in selectors.published_search(query)]


def publish(world: "World", report: Report) -> Cycle:
    cycle = mapping.store_report(world.isesaki, report)
    for step in ("submit", "review", "publish"):
        cycle_transition(member=world.member("kikaku"), cycle=cycle, name=step, note="訂正")
    return cycle


def publish_tourism_projects(world: "World", count: int) -> None:
    """伊勢崎市 令和3年度 with ``count`` projects titled 観光振興プロジェクト第n号, complete (まとめ, 事業費,
    交付金充当額, a target and its 実績値) so that the publish gate lets them through."""
    projects = [Project(n, f"観光振興プロジェクト第{n}号", 2021, 2021, departments=["商工労働課"],
                        cost_yen=1_000_000, grant_yen=500_000, verification=[f"第{n}号の事業を実施した。"],
                        kpis=[Kpi(1, f"観光入込客数{n}", "人", targets={2021: Measurement(Decimal(100), "人")},
                                  actuals={2021: Measurement(Decimal(120), "人")})]) for n in range(1, count + 1)]
    publish(world, Report(Body("伊勢崎市", "群馬県", "102040"), 2021, projects=projects))


@pytest.mark.parametrize(("query", "expected"), [
    ("官民連携", [1]),  # the title of 事業①
    ("共同出展ブース", [2]),  # a sentence of 事業②'s まとめ
    ("優秀プラン", [3]),  # a KPI name of 事業③
    ("ＳＤＧｓ", [3]),  # full-width letters find SDGs (folded)
    ("まちなか 来場者", [1]),  # every word, in any field
    ("展示会", [2]),
    ("観光", []),  # two characters: scanned, not indexed; nothing holds it
    ("連携", [1, 3]),  # two characters found in two projects
])
def test_search_finds_a_project_by_a_word_of_its_title_summary_or_kpi(world: "World", query: str,
                                                                      expected: list[int]) -> None:
    assert found(query) == [("isesaki", 2022, n) for n in expected]


def test_the_page_shows_the_kpis_that_matched_and_links_them(world: "World") -> None:
    response = world.client("anonymous").get("/search/", {"q": "展示会"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "1件" in text and "Made in いせさき しごと創生プロジェクト" in text
    assert "/m/isesaki/2022/kpi/2/2/" in text or "成果目標②" in text
    assert "成果目標② 市内・県内展示会での新規契約数" in text and "成果目標① 製造品出荷額等" not in text


def test_an_unpublished_report_is_never_found(world: "World") -> None:
    assert found(OTHER_TITLE) == []  # another municipality's draft
    draft = world.cycle(2023)  # 伊勢崎市's 令和5年度 draft, carried from the published year
    project = draft.projects.get(number=1)
    project.title = "下書きだけの新規事業ひみつ"
    project.save()
    assert found("下書きだけ") == [] and found("ひみつ") == []
    assert {year for _, year, _ in found("まちなか")} == {2022}
    response = world.client("anonymous").get("/search/", {"q": "ひみつ"})
    assert response.context["hits"] == [] and "新規事業" not in response.content.decode()


def test_a_publication_and_a_correction_replace_the_years_rows(world: "World") -> None:
    admin = world.member("kikaku")
    cycle = world.cycle(2022)
    for step in ("correct", "submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    record = cycle.projects.get(number=3)
    record.title = "産業ニューノーマル創出事業（改称後）"
    record.save()
    assert found("改称後") == []  # corrected in the draft only: the public still sees the old revision
    assert found("ニューノーマル") == [("isesaki", 2022, 3)]
    cycle_transition(member=admin, cycle=cycle, name="publish", note="事業名の訂正")
    assert found("改称後") == [("isesaki", 2022, 3)]
    assert SearchEntry.objects.filter(cycle=cycle).count() == 3  # replaced, not added


def test_results_are_paginated(world: "World") -> None:
    publish_tourism_projects(world, 45)
    client = world.client("anonymous")
    pages = []
    for number in (1, 2, 3):
        response = client.get("/search/", {"q": "観光振興", "page": number})
        assert response.status_code == 200
        hits = response.context["hits"]
        pages.append([hit.entry.project_number for hit in hits])
        assert response.context["page"].paginator.count == 45
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sorted(n for p in pages for n in p) == list(range(1, 46))
    text = client.get("/search/", {"q": "観光振興", "page": 2}).content.decode()
    assert "2 / 3 ページ" in text and "q=%E8%A6%B3%E5%85%89%E6%8C%AF%E8%88%88&amp;page=3" in text
    for bad in ("0", "999", "x", "-1"):  # out of range or not a number: a page of the results, never a 500
        assert client.get("/search/", {"q": "観光振興", "page": bad}).status_code == 200


def test_a_one_character_query_is_answered_with_a_message(world: "World") -> None:
    response = world.client("anonymous").get("/search/", {"q": "市"})
    assert response.status_code == 200
    assert "2文字以上の語で検索してください" in response.content.decode()
    assert response.context["hits"] == []
    assert found("市") == [] and found(" ") == []
    assert found("IT") == [("isesaki", 2022, 3)]  # two characters: matched by a scan


def test_like_wildcards_in_a_query_are_plain_characters(world: "World") -> None:
    assert found("%%%") == [] and found("__") == [] and found('"事業') == []


def test_a_bulk_load_makes_its_reports_searchable(world: "World", tmp_path: Path) -> None:
    synth.write(tmp_path, bodies=2, years=1, seed=5)
    files = sorted(tmp_path.glob("*.json"))
    document = json.loads(files[0].read_text(encoding="utf-8"))
    report = document["reports"][0]
    report["projects"][0]["title"] = "一括読み込みの検索確認事業"
    files[0].write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    summary = load(files)
    assert summary.failures == []
    hits = found("検索確認")
    assert [(year, number) for _, year, number in hits] == [(report["fiscal_year"], report["projects"][0]["number"])]
    expected = sum(len(r["projects"]) for f in files for r in json.loads(f.read_text(encoding="utf-8"))["reports"])
    assert SearchEntry.objects.exclude(municipality=world.isesaki).count() == expected
    report["projects"][0]["title"] = "一括読み込みの訂正後事業"  # a correction by a second load replaces the rows
    files[0].write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert load(files[:1]).revised == 1
    assert found("検索確認") == [] and len(found("訂正後事業")) == 1


def test_the_index_is_the_databases_own(world: "World") -> None:
    """The search reads an index, not the publications: FTS5 trigram on SQLite, pg_trgm's GIN on PostgreSQL."""
    connection = connections[world.alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM kouka_search_fts WHERE kouka_search_fts MATCH '\"まちなか\"'")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'kouka_search_trgm'")
            assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_a_restored_backup_is_searchable_on_either_database(world: "World", tmp_path: Path) -> None:
    data = backup.dump_bytes(world.alias)
    for engine in ENGINES:
        with fresh_database(engine, tmp_path) as alias, dbrouter.using_database(alias):
            backup.restore_bytes(data, alias)
            assert found("優秀プラン") == [("isesaki", 2022, 3)] and found(OTHER_TITLE) == []


@pytest.mark.parametrize(("query", "terms", "short"), [
    ("ＫＰＩ　まちなか", ["kpi", "まちなか"], False),
    ("観光  ＤＸ 観光", ["観光", "dx"], False),
    ("市 町", ["市", "町"], True),
    ("", [], True),
])
def test_a_query_is_folded_and_split_into_words(query: str, terms: list[str], short: bool) -> None:
    assert search_terms(query) == terms and too_short(terms) is short
    assert folded("Ａｂｃ") == "abc"


def test_past_the_shown_hits_the_count_says_more(world: "World", monkeypatch: pytest.MonkeyPatch) -> None:
    """A common word finds thousands of projects in the national set: at most ``SEARCH_SHOWN`` are counted and
    paged (「…件以上」), the rest need more words."""
    publish_tourism_projects(world, 45)
    client = world.client("anonymous")
    monkeypatch.setattr(selectors, "SEARCH_SHOWN", 30)
    first = client.get("/search/", {"q": "観光振興"})
    assert first.context["page"].paginator.count == 30 and first.context["more"] is True
    assert "「観光振興」の検索結果: 30件以上（はじめの30件を表示します。" in first.content.decode()
    last = client.get("/search/", {"q": "観光振興", "page": 2})
    assert [hit.entry.project_number for hit in last.context["hits"]] == list(range(21, 31))
    assert "2 / 2 ページ" in last.content.decode()
    monkeypatch.setattr(selectors, "SEARCH_SHOWN", 45)  # exactly as many as there are: no 「以上」
    exact = client.get("/search/", {"q": "観光振興"})
    assert exact.context["more"] is False and "検索結果: 45件" in exact.content.decode()
    assert "以上" not in exact.content.decode().split("検索結果")[1].split("</p>")[0]
