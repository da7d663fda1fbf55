"""kouka.web.services.photos and kouka.web.figures: photos of a まとめ uploaded on the staff pages, re-encoded
without EXIF, stored in the storage, shown in the public page, the CMS fragment and the PDF where the city put
them; hostile files refused with a message and nothing stored."""

import io
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pdfplumber
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from kouka import interchange
from kouka.domain.model import Figure
from kouka.render.html import render_fragment
from kouka.web import history_text, integrations, selectors
from kouka.web.figures import MAX_SIDE, PhotoRefused, photo_read, placeholder
from kouka.web.models import Change, ProjectRecord, State
from kouka.web.ops.demo import PLACEHOLDER_ALT
from kouka.web.permissions import Denied
from kouka.web.services.photos import photo_add, photo_remove
from kouka.web.services.projects import project_verification_set
from kouka.web.services.writes import StaleVersion
from paths import EXAMPLE
from photo_support import SVG_WITH_SCRIPT, huge_file, photo_jpeg, png_bomb, stored_files
from web_fixtures import complete_year

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

CAPTION = "まちなかワークショップの発表会"
ALT = "会議室で参加者が模造紙の前に立ち、創業のアイデアを発表している様子"
MATOME = ["創業セミナーを4回開催し、延べ120人が参加した。",
          "まちなかワークショップでは発表会を開き、参加者が事業計画を磨いた。", "来年度は支援制度の周知に力を入れる。"]
SEED_CAPTION = "地方創生☆政策アイデアコンテスト2022表彰式の様子（内閣府HPより）"


def record(world: "World", number: int = 1, year: int = 2023) -> ProjectRecord:
    return ProjectRecord.objects.get(cycle=world.cycle(year), number=number)


def upload(client: Client, data: bytes, name: str, *, version: int, caption: str = CAPTION, alt: str = ALT,
           after: int = 0, number: int = 1) -> Any:
    return client.post(f"/staff/2023/projects/{number}/photos/", {
        "photo-image": SimpleUploadedFile(name, data), "photo-caption": caption, "photo-alt": alt,
        "photo-after": str(after), "photo-version": str(version)})


def test_a_photo_is_re_encoded_upright_smaller_and_without_exif() -> None:
    original = photo_jpeg()
    assert b"KoukaTestCamera" in original
    photo = photo_read(original, "IMG_0001.JPG")
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and photo.media_type == "image/jpeg"
    assert (image.width, image.height) == (1200, MAX_SIDE)  # turned upright (orientation 6), then shrunk
    assert not image.getexif() and b"KoukaTestCamera" not in photo.data and b"Exif" not in photo.data
    assert re.fullmatch(r"figures/[0-9a-f]{64}\.jpg", photo.name)


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("WEBP", "jpg")])
def test_png_figures_stay_png_and_webp_photos_become_jpeg(fmt: str, extension: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 30)).save(out, fmt)
    photo = photo_read(out.getvalue(), f"figure.{fmt.lower()}")
    assert photo.name.endswith(f".{extension}") and (photo.width, photo.height) == (300, 200)


@pytest.mark.parametrize(("data", "message"), [
    (png_bomb(), "画素数が多すぎます"),
    (SVG_WITH_SCRIPT, "SVG画像"),
    (b"MZ\x90\x00" + b"\x00" * 100, "実行ファイル"),
    ("事業の説明です。".encode(), "画像ではないファイル"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "壊れている"),
    (b"", "空です"),
])
def test_files_that_are_not_photos_kouka_keeps_are_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(PhotoRefused, match=message) as refused:
        photo_read(data, "写真.jpg")
    assert str(refused.value).startswith("写真.jpg: ")


def test_the_demo_draws_its_placeholder_and_puts_the_seed_caption_under_it(world: "World") -> None:
    published = selectors.publication_report(selectors.publication_latest(slug="isesaki", year=2022))
    project = published.project(1)
    assert project.figure_captions == []
    [figure] = project.figures
    assert (figure.caption, figure.alt, figure.after) == (SEED_CAPTION, PLACEHOLDER_ALT, 0)
    assert figure.src.startswith("data:image/png;base64,")
    drawn = placeholder("x")
    assert Image.open(io.BytesIO(drawn.data)).size == (960, 540)
    page = Client().get("/m/isesaki/2022/").content.decode()
    assert f'alt="{PLACEHOLDER_ALT}"' in page and f"▲{SEED_CAPTION}" in page
    # before the まとめ's first paragraph, where the seed printed the caption
    matome = page[page.index('id="kouka-p1-verification"'):]
    assert matome.index("<img") < matome.index("成果目標②「ワークショップ参加者数」")


def test_a_photo_uploaded_to_jigyo_1_is_in_the_page_the_fragment_and_the_pdf(world: "World", tmp_path: Path
                                                                               ) -> None:
    project_verification_set(member=world.member("shoko"), cycle=world.cycle(), record=record(world),
                             paragraphs=MATOME, version=record(world).version)
    complete_year(world)  # cost, grant, targets and actuals: what the publish gate asks of every project
    editor = world.client("shoko")
    response = upload(editor, photo_jpeg(), "IMG_0001.JPG", version=record(world).version, after=1)
    assert response.status_code == 302, response.content.decode()
    stored = record(world).data["figures"]
    assert [(f["caption"], f["alt"], f["after"]) for f in stored] == [(CAPTION, ALT, 1)]
    assert stored_files(Path(settings.MEDIA_ROOT) / "figures")  # in the storage, under MEDIA_ROOT
    staff_page = editor.get("/staff/2023/projects/1/").content.decode()
    assert f'alt="{ALT}"' in staff_page
    admin = world.client("kikaku")
    for step in ("submit", "review", "publish"):
        response = admin.post(f"/staff/2023/transition/{step}/",
                              {"version": world.cycle().version, "acknowledged": "on"})
        assert response.status_code == 302 and "/publish/" not in response["Location"], step
    assert world.cycle().state == State.PUBLISHED
    publication = selectors.publication_latest(slug="isesaki", year=2023)
    assert publication.revision == 1

    page = Client().get("/m/isesaki/2023/").content.decode()
    image = re.search(r'<figure class="photo"><img src="data:image/jpeg;base64,[^"]+" alt="([^"]+)"', page)
    assert image is not None and image.group(1) == ALT
    assert f"<figcaption>▲{CAPTION}</figcaption>" in page
    matome = page[page.index('id="kouka-p1-verification"'):page.index('id="kouka-p2"')]
    assert matome.index(MATOME[0]) < matome.index("<img") < matome.index(MATOME[1])  # after paragraph 1

    fragment = integrations.render_fragment(selectors.publication_report(publication))
    assert f'alt="{ALT}"' in fragment and f"▲{CAPTION}" in fragment and fragment.startswith('<div class="kouka-report"')

    pdf = Client().get("/m/isesaki/2023/export/pdf/")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    with pdfplumber.open(path) as document:
        pages_with_images = [i for i, p in enumerate(document.pages) if p.images]
        project_pages = [i for i, p in enumerate(document.pages) if "まとめ（検証結果）" in (p.extract_text() or "")]
    caption_pages = [i for i in range(len(project_pages) + 10)
                     if CAPTION in pdftotext(path, i + 1)]
    assert pages_with_images and caption_pages
    assert caption_pages[0] in pages_with_images  # the photo is on the page its caption is on
    assert caption_pages[0] in project_pages[:1] or caption_pages[0] - 1 in project_pages[:1]  # 事業①'s まとめ
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^\s*{caption_pages[0] + 1}\s+\d+\s+image\s+1200\s+1600\b", listing, re.M), listing


def world_paragraphs(world: "World") -> list[str]:
    return list(record(world).data.get("verification") or [])


def pdftotext(path: Path, page: int) -> str:
    result = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                            capture_output=True, text=True, check=False)
    return result.stdout


@pytest.mark.parametrize(("kind", "message"), [
    ("bomb", "画素数が多すぎます"),
    ("huge", "ファイルが大きすぎます"),
    ("svg", "SVG画像"),
    ("text", "JPEG・PNG・WebPの写真や図を選んでください"),
])
def test_a_hostile_upload_is_refused_with_a_message_and_nothing_stored(world: "World", tmp_path: Path, kind: str,
                                                                       message: str) -> None:
    files = {"bomb": lambda: (png_bomb(), "bomb.png"), "svg": lambda: (SVG_WITH_SCRIPT, "figure.svg"),
             "text": lambda: ("まとめの下書き".encode(), "photo.jpg"),
             "huge": lambda: (huge_file(tmp_path / "huge.jpg").read_bytes(), "huge.jpg")}
    data, name = files[kind]()
    before, files = record(world), stored_files(settings.MEDIA_ROOT)  # the demo's placeholder
    changes = Change.objects.count()
    response = upload(world.client("shoko"), data, name, version=before.version)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored_files(settings.MEDIA_ROOT) == files
    after = record(world)
    assert (after.data, after.version) == (before.data, before.version) and Change.objects.count() == changes


def test_caption_and_alt_are_checked_and_the_history_says_what_was_added(world: "World") -> None:
    member, cycle = world.member("shoko"), world.cycle()
    with pytest.raises(Exception, match="代替テキストを入力してください"):
        photo_add(member=member, cycle=cycle, record=record(world), data=photo_jpeg(400, 300), filename="a.jpg",
                  caption="説明", alt="  ", after=0, version=record(world).version)
    figure = photo_add(member=member, cycle=cycle, record=record(world), data=photo_jpeg(400, 300), filename="a.jpg",
                       caption=CAPTION, alt=ALT, after=99, version=record(world).version)
    assert figure.after == len(world_paragraphs(world)) == 0  # past the last paragraph: after it
    change = Change.objects.filter(action="photo:add").get()
    words = history_text.describe(change).lines
    assert words == [f"事業① まとめに写真「{CAPTION}」を追加しました（代替テキスト: 「{ALT}」、まとめの最初）"]


def test_only_who_may_edit_the_project_adds_a_photo_and_a_stale_page_stores_nothing(world: "World") -> None:
    data = photo_jpeg(400, 300)
    with pytest.raises(Denied):  # 企業誘致課's editor, on 商工労働課's 事業①
        photo_add(member=world.member("kigyo"), cycle=world.cycle(), record=record(world), data=data,
                  filename="a.jpg", caption="", alt=ALT, after=0, version=record(world).version)
    with pytest.raises(Denied):  # the reviewer
        photo_add(member=world.member("yushikisha"), cycle=world.cycle(), record=record(world), data=data,
                  filename="a.jpg", caption="", alt=ALT, after=0, version=record(world).version)
    files = stored_files(settings.MEDIA_ROOT)
    with pytest.raises(StaleVersion):
        photo_add(member=world.member("shoko"), cycle=world.cycle(), record=record(world), data=data,
                  filename="a.jpg", caption="", alt=ALT, after=0, version=record(world).version - 1)
    assert stored_files(settings.MEDIA_ROOT) == files and "figures" not in record(world).data


def test_removing_a_photo_deletes_its_file_unless_a_publication_shows_it(world: "World") -> None:
    member, cycle = world.member("shoko"), world.cycle()
    photo_add(member=member, cycle=cycle, record=record(world), data=photo_jpeg(400, 300), filename="a.jpg",
              caption=CAPTION, alt=ALT, after=0, version=record(world).version)
    [name] = [f["name"] for f in record(world).data["figures"]]
    path = Path(settings.MEDIA_ROOT) / name
    assert path.is_file()
    removed = photo_remove(member=member, cycle=cycle, record=record(world), index=0, version=record(world).version)
    assert removed.caption == CAPTION and record(world).data["figures"] == [] and not path.exists()
    assert history_text.describe(Change.objects.get(action="photo:remove")).lines == [
        f"事業① まとめから写真「{CAPTION}」を削除しました"]
    # the demo's placeholder is named by the published 令和4年度: a correction's removal keeps the file
    admin = world.member("kikaku")
    world.client("kikaku").post("/staff/2022/transition/correct/")
    published = world.cycle(2022)
    [placeholder_name] = [f["name"] for f in record(world, 1, 2022).data["figures"]]
    photo_remove(member=admin, cycle=published, record=record(world, 1, 2022), index=0,
                 version=record(world, 1, 2022).version)
    assert (Path(settings.MEDIA_ROOT) / placeholder_name).is_file()


def test_caption_and_alt_are_text_never_markup(world: "World") -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    photo_add(member=world.member("shoko"), cycle=world.cycle(), record=record(world), data=photo_jpeg(400, 300),
              filename="a.jpg", caption=evil, alt=evil, after=0, version=record(world).version)
    page = world.client("shoko").get("/staff/2023/projects/1/").content.decode()
    fragment = integrations.render_fragment(selectors.cycle_report_whole(world.cycle()))
    for html in (page, fragment):
        assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html.replace("&quot;", "")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_report_read_from_a_file_prints_the_text_alternative_where_its_image_would_be() -> None:
    report = interchange.load(EXAMPLE).reports[0]
    report.projects[0].figures = [Figure(f"figures/{'0' * 64}.jpg", CAPTION, ALT, 1)]
    again = interchange.from_json(interchange.to_json(interchange.Document([report]))).reports[0]
    assert again.projects[0].figures == report.projects[0].figures  # the JSON keeps where it goes, not the image
    html = render_fragment(again)
    assert f"［写真：{ALT}］" in html and f"▲{CAPTION}" in html and "<img" not in html
