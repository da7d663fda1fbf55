"""kouka.web.history_text: each kind of recorded change reads as people write it, field by field, in the city's
words, with who and when; no JSON, no field code name, no action name. The changes are made by the real
services on the demo world, then described."""

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from kouka import interchange
from kouka.web import mapping, selectors
from kouka.web.history_text import Context, Described, describe, when_text, whole_texts
from kouka.web.models import Change, Department, KpiRecord, ProjectRecord, Role, TokenScope
from kouka.web.services.comments import comment_create
from kouka.web.services.cycles import cycle_create, cycle_transition
from kouka.web.services.departments import department_create
from kouka.web.services.imports import import_confirm, import_preview
from kouka.web.services.kpis import kpi_actual_set, kpi_update
from kouka.web.services.people import PersonFields, user_active_set, user_create, user_password_reset, user_update
from kouka.web.services.projects import project_update, project_verification_set
from kouka.web.services.reports import report_update
from kouka.web.services.tokens import TokenFields, token_create, token_revoke
from paths import EXAMPLE

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

SIGNATURE = re.compile(r"（(?P<author>[^、]+)、\d{1,2}月\d{1,2}日 \d{1,2}:\d\d）$")
CODE_WORDS = re.compile(r"[{}\[\]\"]|_yen|verification|actuals|targets|project:|kpi:|workflow:|user:|token:|"
                        r"\b(?:null|None|True|False)\b")


def latest(action: str) -> Change:
    return Change.objects.select_related(selectors.AUTHOR, "cycle").filter(action=action).latest("at", "id")


def words(world: "World", action: str, year: int = 2023) -> Described:
    described = describe(latest(action), Context(selectors.project_numbers(world.cycle(year))))
    for line in described.lines:
        assert not CODE_WORDS.search(line), line
    return described


def name_shoko(world: "World") -> None:
    shoko = world.member("shoko")
    user_update(member=world.member("kikaku"), person=shoko, version=shoko.version, fields=PersonFields(
        "商工 太郎", "", Role.EDITOR, tuple(shoko.departments.all())))


def kpi_record(world: "World") -> KpiRecord:
    return KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)


def test_a_kpi_figure_reads_per_year_with_who_and_when(world: "World") -> None:
    name_shoko(world)
    record = kpi_record(world)
    kpi_actual_set(member=world.member("shoko"), cycle=world.cycle(), record=record, year=2023, text="27社",
                   version=record.version)
    kpi_actual_set(member=world.member("shoko"), cycle=world.cycle(), record=record, year=2023, text="29社(速報値)",
                   version=record.version + 1)
    described = words(world, "kpi:update")
    assert described.lines == ["事業① 成果目標① 令和5年度 実績値: 27社 → 29社(速報値)"]
    match = SIGNATURE.search(described.text)
    assert match is not None and match["author"] == "商工 太郎"
    assert described.text.startswith("事業① 成果目標① 令和5年度 実績値: 27社 → 29社(速報値)（商工 太郎、")


def test_kpi_fields_read_in_the_city_s_words(world: "World") -> None:
    record = kpi_record(world)
    before = mapping.kpi_of(record)
    after = replace(before, name="新たに創業した事業者の数", unit="件", targets={**before.targets, 2024: before.targets[
        2023]} if 2023 in before.targets else before.targets, baseline_year=2020)
    kpi_update(member=world.member("kikaku"), cycle=world.cycle(), record=record, before=before, after=after,
               version=record.version)
    lines = words(world, "kpi:update").lines
    assert "事業① 成果目標① 成果目標: 「まちなかで新たに創業した事業者の数」 → 「新たに創業した事業者の数」" in lines
    assert "事業① 成果目標① 単位: 「社」 → 「件」" in lines
    assert any(line.startswith("事業① 成果目標① 基準値の年度: ") and line.endswith(" → 令和2年度") for line in lines)


def test_project_fields_read_with_money_and_periods_as_the_publication_writes_them(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    before = mapping.project_of(record)
    after = replace(before, cost_yen=9_962_058, grant_yen=4_981_029, end_year=2025,
                    departments=[*before.departments, "企業誘致課"])
    project_update(member=world.member("kikaku"), cycle=world.cycle(), record=record, before=before, after=after,
                   version=record.version)
    lines = words(world, "project:update").lines
    assert lines == ["事業① 担当課: 商工労働課、都市開発課、企画調整課 → "
                     "商工労働課、都市開発課、企画調整課、企業誘致課",
                     "事業① 事業期間: 令和4年度～令和6年度 → 令和4年度～令和7年度",
                     "事業① 事業費: （なし） → 996万2,058円", "事業① 交付金充当額: （なし） → 498万1,029円"]


def test_a_summary_reads_paragraph_by_paragraph(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    first = ["創業支援により5社が創業した。", "目標の4社を上回った。"]
    project_verification_set(member=world.member("shoko"), cycle=world.cycle(), record=record, paragraphs=first,
                             version=record.version)
    second = ["創業支援により6社が創業した。", "目標の4社を上回った。", "来年度も継続する。"]
    project_verification_set(member=world.member("shoko"), cycle=world.cycle(), record=record, paragraphs=second,
                             version=record.version + 1)
    assert words(world, "project:update").lines == [
        "事業① まとめ（検証結果） 第1段落: 「創業支援により5社が創業した。」 → 「創業支援により6社が創業した。」",
        "事業① まとめ（検証結果） 第3段落を追加: 「来年度も継続する。」"]


def test_a_long_paragraph_is_cut_in_the_list_and_whole_on_the_change_s_page(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=3)
    text = "あ" * 30 + "い" * 30
    project_verification_set(member=world.member("kikaku"), cycle=world.cycle(), record=record, paragraphs=[text],
                             version=record.version)
    assert words(world, "project:update").lines == [f"事業③ まとめ（検証結果）を追加: 「{'あ' * 30}{'い' * 10}…」"]
    with whole_texts():
        assert words(world, "project:update").lines == [f"事業③ まとめ（検証結果）を追加: 「{text}」"]


def test_workflow_transitions_read_as_sentences(world: "World") -> None:
    assert words(world, "workflow:publish", 2022).lines == ["令和4年度の報告を公表しました（第1版）"]
    cycle = world.cycle()
    cycle_transition(member=world.member("kikaku"), cycle=cycle, name="submit")
    assert words(world, "workflow:submit").lines == ["令和5年度の報告を提出しました"]
    cycle_transition(member=world.member("kikaku"), cycle=cycle, name="return")
    assert words(world, "workflow:return").lines == ["令和5年度の報告を差し戻しました"]
    cycle_create(member=world.member("kikaku"), fiscal_year=2024)
    assert describe(latest("cycle:create")).lines == ["令和6年度を追加しました"]


def test_an_import_reads_as_what_it_brought_and_replaced(world: "World") -> None:
    document = interchange.load(EXAMPLE)
    document.reports[0].fiscal_year = 2023
    admin = world.member("kikaku")
    import_confirm(member=admin, document=document, seen=import_preview(member=admin, document=document).seen)
    assert words(world, "import").lines == ["令和5年度の報告をファイルから取り込みました（事業 3件、成果目標 11件）",
                                            "それまでの作成中の内容（事業 3件）を置き換えました"]


def test_departments_people_and_tokens_read_as_sentences(world: "World") -> None:
    admin = world.member("kikaku")
    department_create(member=admin, name="新設課")
    assert describe(latest("department:create")).lines == ["担当課「新設課」を追加しました"]
    new = Department.objects.get(municipality=world.isesaki, name="新設課")
    person, _ = user_create(member=admin, username="hanako", fields=PersonFields(
        "新設 花子", "hanako@example.jp", Role.EDITOR, (new,)))
    assert describe(latest("user:create")).lines == [
        "職員「新設 花子」（hanako）を追加しました（メールアドレス: 「hanako@example.jp」、役割: 担当課（編集者）、"
        "担当課: 新設課）"]
    user_update(member=admin, person=person, version=person.version, fields=PersonFields(
        "新設 花子", "hanako@example.jp", Role.REVIEWER, ()))
    assert describe(latest("user:update")).lines == [
        "職員「新設 花子」（hanako） 役割: 担当課（編集者） → 外部有識者・確認者",
        "職員「新設 花子」（hanako） 担当課: 新設課 → （なし）"]
    user_password_reset(member=admin, person=person)
    assert describe(latest("user:password_reset")).lines == ["職員「新設 花子」（hanako）のパスワードを再発行しました"]
    user_active_set(member=admin, person=world.member("hanako"), active=False)
    assert describe(latest("user:deactivate")).lines == ["職員「新設 花子」（hanako）を無効にしました"]
    token, _ = token_create(member=admin, fields=TokenFields("県の集計", TokenScope.READ, None, None))
    assert describe(latest("token:create")).lines == [
        "APIトークン「県の集計」（公表データの読み取り）を作成しました（有効期限なし）"]
    token_revoke(member=admin, token=token)
    revoked = describe(latest("token:revoke"))
    assert revoked.lines == ["APIトークン「県の集計」（公表データの読み取り）を取り消しました"]
    assert revoked.author == "kikaku"


def test_what_a_write_token_wrote_is_signed_by_the_token(world: "World") -> None:
    shoko = Department.objects.get(municipality=world.isesaki, name="商工労働課")
    token, _ = token_create(member=world.member("kikaku"), fields=TokenFields(
        "商工の集計表", TokenScope.WRITE, shoko, None))
    assert token.member is not None
    record = kpi_record(world)
    kpi_actual_set(member=token.member, cycle=world.cycle(), record=record, year=2023, text="3社",
                   version=record.version)
    assert words(world, "kpi:update").author == "APIトークン「商工の集計表」"


def test_a_comment_and_the_report_as_a_whole_read_as_sentences(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=2)
    comment_create(member=world.member("yushikisha"), cycle=world.cycle(), record=record, text="根拠を示してください")
    assert words(world, "comment:create").lines == ["事業②にコメントしました: 「根拠を示してください」"]
    report_update(member=world.member("kikaku"), cycle=world.cycle(), version=world.cycle().version,
                  fields={"title": "令和5年度 地方創生推進交付金事業の効果検証", "stated_total_yen": 14_727_544})
    lines = words(world, "report:update").lines
    assert "令和5年度 報告全体 交付額: （なし） → 1,472万7,544円" in lines
    assert any(line.startswith("令和5年度 報告全体 表題: ") for line in lines), lines


def test_an_action_without_words_yet_names_its_target_only(world: "World") -> None:
    change = Change(municipality=world.isesaki, action="review:opinion", target="外部有識者の意見",
                    before={"opinion_text": "a"}, after={"opinion_text": "b"})
    assert describe(change).lines == ["「外部有識者の意見」を変更しました"]


def test_the_time_names_the_year_only_when_it_is_not_this_one() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2024, 12, 1, tzinfo=tokyo)
    assert when_text(datetime(2024, 11, 27, 5, 3, tzinfo=ZoneInfo("UTC")), now=now) == "11月27日 14:03"
    assert when_text(datetime(2023, 11, 27, 14, 3, tzinfo=tokyo), now=now) == "2023年11月27日 14:03"


def test_the_history_speaks_english_when_asked(world: "World") -> None:
    cycle_transition(member=world.member("kikaku"), cycle=world.cycle(), name="submit")
    with translation.override("en"):
        described = words(world, "workflow:submit")
    assert described.lines == ["Submitted the report of 令和5年度"]
    assert SIGNATURE.search(described.text) is None  # the signature too is in English
