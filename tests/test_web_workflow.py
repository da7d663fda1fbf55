"""The yearly cycle, revisions, the change history, stale forms, import with preview, data entry."""

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from kouka.web import mapping
from kouka.web.forms import KpiForm, ProjectForm
from kouka.web.models import Change, Cycle, Department, KpiRecord, ProjectRecord, Publication, State
from paths import EXAMPLE, ROOT
from web_fixtures import complete_year

if TYPE_CHECKING:
    from web_fixtures import World

# every database the settings name: SQLite, and PostgreSQL when KOUKA_TEST_POSTGRES_URL is set
pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

KPI_PATH = "/staff/2023/projects/1/kpis/1/"


def kpi_form(world: "World", **values: str) -> dict[str, Any]:
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version)
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def project_form(world: "World", role: str = "kikaku", **values: Any) -> dict[str, Any]:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    data = ProjectForm.initial_for(mapping.project_of(record), record.version)
    data["departments"] = [d.pk for d in record.departments.all()
                           if role == "kikaku" or d.members.filter(user__username=role).exists()]
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_editor_types_the_citys_notation(world: "World") -> None:
    editor = world.client("shoko")
    response = editor.post(KPI_PATH, kpi_form(world, target_2023="4社", actual_2023="90社(速報値)"))
    assert response.status_code == 302
    kpi = mapping.report_of(world.cycle()).project(1).kpi(1)
    assert kpi.actuals[2023].text == "90社(速報値)"
    assert str(kpi.actuals[2023].value) == "90" and kpi.actuals[2023].status.value == "preliminary"
    page = editor.get(KPI_PATH).content.decode()
    assert "90社(速報値)" in page and "達成" in page and "速報値による" in page


def test_pending_and_reference_year_qualifiers(world: "World") -> None:
    editor = world.client("shoko")
    editor.post(KPI_PATH, kpi_form(world, target_2023="4社", actual_2023="県において集計中",
                                   actual_2022="2社（令和元年）"))
    kpi = mapping.report_of(world.cycle()).project(1).kpi(1)
    assert kpi.actuals[2023].status.value == "pending" and kpi.actuals[2023].value is None
    assert kpi.actuals[2022].reference is not None and kpi.actuals[2022].reference.year == 2019
    assert "集計中" in editor.get(KPI_PATH).content.decode()


def test_unreadable_figure_is_refused_beside_the_field(world: "World") -> None:
    response = world.client("shoko").post(KPI_PATH, kpi_form(world, actual_2023="たくさん"))
    assert response.status_code == 200
    assert "数値として読めません" in response.content.decode()
    assert "2023" not in KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1
                                                ).data["actuals"]


def test_findings_from_the_core_beside_the_form(world: "World") -> None:
    world.client("kikaku").post("/staff/2023/projects/1/", project_form(world, cost="1,000,000", grant="400,000"))
    page = world.client("kikaku").get("/staff/2023/projects/1/").content.decode()
    assert "交付金充当額 40万円 が事業費 100万円 × 1/2 = 50万円 と一致しません" in page


def test_second_save_of_a_stale_form_is_refused_and_nothing_is_lost(world: "World") -> None:
    first, second = world.client("kikaku"), world.client("shoko")
    stale = kpi_form(world, actual_2023="3社")  # both opened the form at the same version
    assert first.post(KPI_PATH, stale).status_code == 302
    response = second.post(KPI_PATH, stale | {"actual_2023": "5社"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "他の人が先にこの内容を保存しました" in page
    assert 'value="5社"' in page  # the second person's input is still in the form
    assert "保存されている最新の内容" in page and "<td>3社</td>" in page  # and beside it what was saved
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    assert record.data["actuals"]["2023"]["text"] == "3社" and record.version == 2
    assert second.post(KPI_PATH, kpi_form(world, actual_2023="5社")).status_code == 302  # after reloading


def test_stale_project_form_is_refused(world: "World") -> None:
    stale = project_form(world, verification="一人目のまとめ")
    assert world.client("kikaku").post("/staff/2023/projects/1/", stale).status_code == 302
    response = world.client("shoko").post("/staff/2023/projects/1/", stale | {
        "verification": "二人目のまとめ", "departments": project_form(world, "shoko")["departments"]})
    assert response.status_code == 409
    assert "二人目のまとめ" in response.content.decode()
    assert ProjectRecord.objects.get(cycle=world.cycle(), number=1).data["verification"] == ["一人目のまとめ"]


def test_full_cycle_and_a_correction(world: "World") -> None:
    editor, admin, public = world.client("shoko"), world.client("kikaku"), world.client("anonymous")
    editor.post(KPI_PATH, kpi_form(world, target_2023="4社", actual_2023="6社"))
    editor.post("/staff/2023/projects/1/", project_form(world, "shoko", verification="目標を達成した。"))
    complete_year(world)  # the rest of the year, as the departments entered it
    assert public.get("/m/isesaki/2023/").status_code == 404
    assert editor.post("/staff/2023/transition/submit/").status_code == 302  # not the whole city's: refused
    assert world.cycle().state == State.DRAFT
    for role, name in (("shoko", "商工労働課"), ("kigyo", "企業誘致課")):  # each department its own projects
        pk = Department.objects.get(municipality=world.isesaki, name=name).pk
        confirm = world.client(role).get(f"/staff/2023/parts/{pk}/submit/").content.decode()
        assert f"{name}の" in confirm and "事業を提出します" in confirm
        assert world.client(role).post(f"/staff/2023/parts/{pk}/submit/", {"version": 0, "count": 1}).status_code == 302
    assert world.cycle().state == State.SUBMITTED
    assert editor.post(KPI_PATH, kpi_form(world, actual_2023="7社")).status_code == 403  # editors wait now
    admin.post("/staff/2023/transition/review/")
    admin.post("/staff/2023/transition/publish/")
    assert world.cycle().state == State.PUBLISHED
    page = public.get("/m/isesaki/2023/").content.decode()
    assert "6社" in page and "目標を達成した。" in page
    # frozen: nobody edits a published year
    assert admin.post(KPI_PATH, kpi_form(world, actual_2023="7社")).status_code == 403
    # a correction reopens the draft; the public still sees revision 1 until the correction is published
    admin.post("/staff/2023/transition/correct/")
    admin.post(KPI_PATH, kpi_form(world, actual_2023="7社"))
    assert "6社" in public.get("/m/isesaki/2023/").content.decode()
    admin.post("/staff/2023/transition/submit/")
    admin.post("/staff/2023/transition/review/")
    response = admin.post("/staff/2023/transition/publish/", follow=True)
    assert "訂正内容の記載が必要です" in response.content.decode()
    assert world.cycle().state == State.REVIEWED
    admin.post("/staff/2023/transition/publish/", {"note": "成果目標①の実績値を訂正しました。"})
    cycle = world.cycle()
    assert cycle.state == State.PUBLISHED and cycle.revision == 2
    page = public.get("/m/isesaki/2023/").content.decode()
    assert "7社" in page and "第2版" in page and "成果目標①の実績値を訂正しました。" in page
    assert Publication.objects.filter(cycle=cycle).count() == 2
    first = Publication.objects.get(cycle=cycle, revision=1)
    assert json.dumps(first.document, ensure_ascii=False).count("6社") >= 1  # revision 1 stays as published


def test_publishing_is_refused_while_the_core_finds_errors(world: "World") -> None:
    admin = world.client("kikaku")
    admin.post("/staff/2023/projects/1/", project_form(world, cost="1,000,000", grant="400,000"))
    admin.post("/staff/2023/transition/submit/")
    admin.post("/staff/2023/transition/review/")
    response = admin.post("/staff/2023/transition/publish/", follow=True)
    assert "公表できません" in response.content.decode()
    assert world.cycle().state == State.REVIEWED


def test_every_change_is_recorded_with_before_and_after(world: "World") -> None:
    world.client("shoko").post(KPI_PATH, kpi_form(world, actual_2023="3社"))
    change = Change.objects.filter(municipality=world.isesaki, action="kpi:update").get()
    assert change.user is not None and change.user.get_username() == "shoko"
    assert "2023" not in change.before["actuals"] and change.after["actuals"]["2023"]["text"] == "3社"
    history = world.client("yushikisha").get("/staff/2023/history/").content.decode()
    # the change, who made it and the field, in the city's words (no action name, no field code name)
    assert "事業① 成果目標① 令和5年度 実績値: （なし） → 3社（shoko、" in re.sub(r"<[^>]+>", "", history)
    assert "kpi:update" not in history and "actuals" not in history
    detail = world.client("kikaku").get(f"/staff/changes/{change.pk}/").content.decode()
    assert "3社" in detail
    assert world.client("other").get(f"/staff/changes/{change.pk}/").status_code == 404


def test_import_writes_nothing_before_confirm(world: "World", tmp_path: Any) -> None:
    from kouka import interchange

    document = interchange.load(EXAMPLE)
    document.reports[0].fiscal_year = 2024
    upload = tmp_path / "isesaki-2024.json"
    interchange.save(document, upload)
    admin = world.client("kikaku")
    changes = Change.objects.count()
    with upload.open("rb") as handle:
        response = admin.post("/staff/import/", {"file": handle})
    page = response.content.decode()
    assert response.status_code == 200 and "取込の確認" in page and "産業ニューノーマル創出事業" in page
    assert not Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2024).exists()
    assert Change.objects.count() == changes
    response = admin.post("/staff/import/confirm/")
    assert response.status_code == 302
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2024)
    assert cycle.projects.count() == 3 and cycle.state == State.DRAFT
    assert Change.objects.filter(action="import", cycle=cycle).exists()


def test_unreadable_upload_is_refused_with_a_message(world: "World", tmp_path: Any) -> None:
    upload = tmp_path / "broken.json"
    upload.write_text("{not json", encoding="utf-8")
    with upload.open("rb") as handle:
        response = world.client("kikaku").post("/staff/import/", {"file": handle})
    assert response.status_code == 200 and "読み込めません" in response.content.decode()


def test_api_stale_version_is_refused(world: "World") -> None:
    admin = world.client("kikaku")
    path = "/api/staff/cycles/2023/projects/1/kpis/1/actuals/2023"
    assert admin.put(path, json.dumps({"text": "3社", "version": 1}), content_type="application/json"
                     ).status_code == 200
    response = admin.put(path, json.dumps({"text": "9社", "version": 1}), content_type="application/json")
    assert response.status_code == 409
    data = admin.get("/api/staff/cycles/2023/projects/1").json()
    assert data["kpis"][0]["actuals"]["2023"]["text"] == "3社"


def test_public_kpi_page_and_search(world: "World") -> None:
    public = world.client("anonymous")
    page = public.get("/m/isesaki/2022/kpi/1/3/").content.decode()
    assert "39,400人" in page and "30,000人" in page and "<svg" in page and "達成" in page
    found = public.get("/search/?q=ワークショップ").content.decode()
    assert "まちなかワークショップ参加者数" in found
    # named as the report names them, and linked to the project's heading in the report
    assert "事業① まちなか創業" in found and "成果目標② まちなかワークショップ参加者数" in found
    assert 'href="/m/isesaki/2022/#kouka-p1"' in found
    assert 'id="kouka-p1"' in public.get("/m/isesaki/2022/").content.decode()
    world.client("kikaku").post("/staff/2023/projects/1/", project_form(world, title="下書きだけの事業名"))
    assert "下書きだけの事業名" not in public.get("/search/?q=下書きだけ").content.decode()


def test_report_list_of_kpis_marks_each_judgement_as_the_report_does(world: "World") -> None:
    """The page's closing 成果目標の一覧 shows ○ 達成 / × 未達成 as the publication's own tables, at its width."""
    page = world.client("anonymous").get("/m/isesaki/2022/").content.decode()
    listing = page[page.index('<section class="kouka-report kpi-list"'):]
    listing = listing[:listing.index("</section>")]
    assert listing.count('<span aria-hidden="true">× </span>未達成') == 3
    assert listing.count('<span aria-hidden="true">○ </span>達成') == 4
    assert listing.count("判定対象外（速報値）") == 1 and listing.count('data-label="令和4年度実績"') == 11


def test_import_the_citys_published_text(world: "World", seed_path: Any) -> None:
    """The seed publication itself (text) goes through kouka.importers into a preview, then a new year."""
    text = seed_path.read_bytes()
    admin = world.client("kikaku")
    world.cycle(2022).delete()  # the seed's year: start from nothing for it
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin.post("/staff/import/", {"file": SimpleUploadedFile("isesaki.txt", text)})
    page = response.content.decode()
    assert response.status_code == 200 and "Made in いせさき しごと創生プロジェクト" in page
    assert not Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2022).exists()
    admin.post("/staff/import/confirm/")
    report = mapping.report_of(Cycle.objects.get(municipality=world.isesaki, fiscal_year=2022))
    assert [p.number for p in report.projects] == [1, 2, 3]
    assert report.project(1).grant_yen == 4981029


def test_an_upload_that_leaves_out_its_year_is_reviewed_as_a_draft_and_nothing_is_stored(world: "World") -> None:
    """A flattened national form without its fiscal year reads as a draft: the review says what is missing, at its
    field, and nothing is stored before the confirmation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (ROOT / "tests" / "fixtures" / "import" / "kirigaoka-2023-no-year.txt").read_bytes()
    admin = world.client("kikaku")
    before = Cycle.objects.count()
    response = admin.post("/staff/import/", {"file": SimpleUploadedFile("kirigaoka.txt", text)})
    page = response.content.decode()
    assert response.status_code == 200 and "対象年度が読み取れません" in page
    assert 'name="fiscal_year"' in page and "下書きとして取り込む" in page
    assert Cycle.objects.count() == before


def test_kpi_page_shows_every_published_year(world: "World") -> None:
    """The 令和5年度 KPI page charts the 令和4年度 actual (published a year earlier) beside the new one."""
    admin = world.client("kikaku")
    admin.post(KPI_PATH, kpi_form(world, target_2023="4社", actual_2023="6社"))
    complete_year(world)
    for step in ("submit", "review", "publish"):
        admin.post(f"/staff/2023/transition/{step}/")
    page = world.client("anonymous").get("/m/isesaki/2023/kpi/1/1/").content.decode()
    assert "令和4年度" in page and "2社" in page  # the 2022 actual from the 2022 publication
    assert "令和5年度" in page and "6社" in page
    assert "令和4年度実績 2社" in page and "令和5年度実績 6社" in page  # the chart's text alternative


def test_reading_says_back_what_was_typed(world: "World") -> None:
    editor = world.client("shoko")
    said = editor.get("/api/staff/reading", {"text": "11,788億円（令和元年）", "unit": "億円"}).json()
    assert said == {"ok": True, "reading": "値 11,788億円・確定値・令和元年の数値", "advice": []}
    said = editor.get("/api/staff/reading", {"text": "90社(速報値)", "unit": "社"}).json()
    assert said == {"ok": True, "reading": "値 90社・速報値", "advice": []}
    said = editor.get("/api/staff/reading", {"text": "県において集計中", "unit": "社"}).json()
    assert said["ok"] and said["reading"].startswith("集計中")
    assert editor.get("/api/staff/reading", {"text": "たくさん", "unit": "社"}).json()["ok"] is False
    assert world.client("anonymous").get("/api/staff/reading", {"text": "1社"}).status_code == 401
    # before saving, in a clerk's words with the accepted forms: a unit other than the KPI's, a negative figure
    said = editor.get("/api/staff/reading", {"text": "3件", "unit": "社"}).json()
    assert not said["ok"] and said["advice"] == [
        "「3件」の単位は「件」ですが、この成果目標の単位は「社」です。「社」で入力してください（例: 3社、3社(速報値)）"]
    said = editor.get("/api/staff/reading", {"text": "-5社", "unit": "社"}).json()
    assert not said["ok"] and "0以上" in said["advice"][0] and "例: 5社" in said["advice"][0]
    said = editor.get("/api/staff/reading", {"text": "たくさん", "unit": "社"}).json()
    assert "例: 12社、12社(速報値)、集計中" in said["advice"][0]
    advice = editor.get("/api/staff/cycles/2023/grant-advice", {"cost": "9,962,058", "grant": "4,981,000"}).json()
    assert advice["advice"] == ["交付金充当額は、事業費 996万2,058円 × 1/2 = 498万1,029円 になるはずですが、"
                                "498万1,000円 と入力されています（例: 4,981,029）"]
    assert editor.get("/api/staff/cycles/2023/grant-advice", {"cost": "9,962,058", "grant": "4,981,029"}
                      ).json() == {"advice": []}
    page = editor.get("/staff/2023/projects/1/").content.decode()
    assert 'data-grant-url="/api/staff/cycles/2023/grant-advice"' in page


MAGIC = {"pdf": b"%PDF", "xlsx": b"PK", "json": b"{", "csv": b"\xef\xbb\xbf", "csv-ja": b"\xef\xbb\xbf"}  # CSVs: a BOM


def test_export_buttons_give_each_publication_format(world: "World") -> None:
    from kouka.web import integrations

    public = world.client("anonymous")
    page = public.get("/m/isesaki/2022/").content.decode()
    for name, spec in integrations.EXPORTS.items():
        link = re.search(rf'href="(/m/isesaki/2022/r/[0-9a-f]{{32}}/export/{name}/)"', page)  # the revision's own
        assert link is not None, name
        response = public.get(f"/m/isesaki/2022/export/{name}/")  # the year's latest
        assert public.get(link.group(1)).content == response.content
        if integrations.export_available(name):
            assert response.status_code == 200, name
            assert response["Content-Type"] == spec.content_type
            assert response.content.startswith(MAGIC[name]) and len(response.content) > 100
            stem = "isesaki-2022-r1-ja" if name == "csv-ja" else "isesaki-2022-r1"
            assert f'filename="{stem}.{spec.extension}"' in response["Content-Disposition"]
        else:
            assert response.status_code == 503 and "利用できません" in response.content.decode()
    csv = public.get("/m/isesaki/2022/export/csv/").content.decode("utf-8-sig")
    assert "まちなかで新たに創業した事業者の数" in csv


def test_draft_from_data_fills_the_summary_without_saving(world: "World") -> None:
    """The まとめ button calls kouka.domain.draft.draft_verification; nothing is saved until 保存."""
    import importlib.util

    admin = world.client("kikaku")
    admin.post(KPI_PATH, kpi_form(world, target_2023="4社", actual_2023="6社"))
    before = ProjectRecord.objects.get(cycle=world.cycle(), number=1).data["verification"]
    response = admin.post("/staff/2023/projects/1/", project_form(world, verification="") | {"draft": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    if importlib.util.find_spec("kouka.domain.draft") is not None:
        from kouka.domain.draft import draft_verification  # type: ignore[import-not-found,unused-ignore]

        lines = draft_verification(mapping.report_of(world.cycle()).project(1), 2023)
        from django.utils.html import escape

        assert lines and all(escape(line) in page for line in lines)
        assert "データから下書きを作成しました" in page
    else:
        assert "下書きを作成できません" in page
    assert ProjectRecord.objects.get(cycle=world.cycle(), number=1).data["verification"] == before


def test_reviewer_reads_the_form_without_editing(world: "World") -> None:
    page = world.client("yushikisha").get("/staff/2023/projects/1/").content.decode()
    assert "閲覧のみ" in page and "<fieldset disabled" in page and 'name="save"' not in page
    assert "コメントを追加" in page


def test_import_of_another_municipalitys_file_is_flagged_in_the_preview(world: "World", tmp_path: Any) -> None:
    from kouka import interchange

    document = interchange.load(EXAMPLE)
    document.reports[0].fiscal_year = 2025
    upload = tmp_path / "isesaki.json"
    interchange.save(document, upload)
    with upload.open("rb") as handle:
        page = world.client("other").post("/staff/import/", {"file": handle}).content.decode()
    assert "ファイルの団体名「伊勢崎市」が他市と異なります" in page
    assert not Cycle.objects.filter(fiscal_year=2025).exists()


def test_report_fields_and_the_stated_total_check(world: "World") -> None:
    admin = world.client("kikaku")
    response = admin.post("/staff/2023/report/", {"title": "令和5年度 効果検証", "introduction": "一段落目\n二段落目",
                                                  "stated_total_label": "本市交付額", "stated_total": "1,000円",
                                                  "version": world.cycle().version})
    assert response.status_code == 302
    report = mapping.report_of(world.cycle())
    assert report.introduction == ["一段落目", "二段落目"] and report.stated_total_yen == 1000
    assert "total_mismatch" in admin.get("/staff/2023/report/").content.decode() or \
        "一致しません" in admin.get("/staff/2023/report/").content.decode()
    assert world.client("shoko").get("/staff/2023/report/").status_code == 403
    assert Change.objects.filter(action="report:update").exists()


def test_project_form_keeps_wide_area_fields_and_opinion(world: "World") -> None:
    admin = world.client("kikaku")  # the opinion is the reviewers' (their own form); the department's keeps it
    version = ProjectRecord.objects.get(cycle=world.cycle(), number=1).version
    world.client("yushikisha").post("/staff/2023/projects/1/review/", {"version": version,
                                                                        "opinion": "有識者の意見です。"})
    admin.post("/staff/2023/projects/1/", project_form(world, kind="wide_area", partner_bodies="群馬県\n前橋市",
                                                       reviewer_opinion="部署が書き換えた意見"))
    project = mapping.report_of(world.cycle()).project(1)
    assert project.kind.value == "wide_area" and project.partner_bodies == ["群馬県", "前橋市"]
    assert project.reviewer_opinion == ["有識者の意見です。"]
