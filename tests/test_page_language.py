"""Every page reads as Japanese: no English-only message, no raw JSON, no field's code name (issue 14).

One walk per database (SQLite, and PostgreSQL when KOUKA_TEST_POSTGRES_URL is set): every page reachable by
links from the start pages, as an anonymous visitor, the administrator (kikaku), a department (shoko) and the
reviewer (yushikisha), plus the pages that only a form's answer shows (errors, the import preview, a refusal).
The visible text counts (tags, scripts and styles stripped) and so do the attributes people read (title,
aria-label, alt, placeholder, a button's value). Then the same pages with the language switch on English: the
header of each is English, and no message of the catalogue that has an English translation stays Japanese.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import polib
from django.test import Client

from kouka.domain import i18n
from paths import EXAMPLE

if TYPE_CHECKING:
    from web_fixtures import World

SCHEMA = i18n.LOCALE_DIR.parent / "schema" / "kouka.schema.json"
CATALOGUE = i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
START = ("/", "/search/?q=まちなか", "/m/isesaki/", "/stats/", "/stats/sources/?year=2022&judgement=not_met",
         "/accounts/login/", "/no-such-page/")
STAFF_START = ("/staff/", "/staff/me/", "/accounts/password/", "/staff/2022/", "/staff/2023/",
               "/staff/2023/history/", "/staff/2022/history/", "/staff/history/", "/staff/people/",
               "/staff/people/new/", "/staff/tokens/", "/staff/departments/", "/staff/import/",
               "/staff/2023/report/", "/staff/2023/projects/new/", "/staff/2023/projects/1/kpis/new/")
# Not pages of the site's own: downloads, the API and its documentation, Django's admin, the switch, sign-out.
NOT_PAGES = re.compile(r"^/(api|admin|i18n|accounts/logout)/|/export/|\.css$")
LIMIT = 400  # pages per role: the walk of the example world finds about a hundred

# Latin words a Japanese page may hold: names of formats, systems and units, and kouka's own name.
ALLOWED = {"kouka", "pdf", "csv", "excel", "json", "api", "kpi", "url", "e-mail", "email", "html", "xlsx",
           "xlsm", "txt", "htm", "parquet", "github", "cms", "https", "http", "www", "bearer", "token", "utf",
           "shift_jis", "english", "bom", "openapi", "ods", "jsonl", "cookie", "javascript", "isesaki", "othercity",
           "example", "shoko-taro", "yushikisha", "kikaku", "shoko", "kigyo", "ict", "wi-fi", "dx", "sns", "web",
           "fax", "ok", "id", "jpeg", "png", "webp", "exif", "japanmap", "apache", "license"}
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
RAW_JSON = re.compile(r'\{"|\[\{|"\s*:\s*["\[{0-9]|\b(null|true|false|None|True|False)\b')
CHROME = {"messages", "errorlist", "error", "errors"}  # the classes of messages and a form's errors
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area"}
READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
FILE_NAME = re.compile(r"[\w.\-]+\.(json|pdf|xlsx|xlsm|csv|txt|html?)\b")  # a file's name is the user's, not a word


class Page(HTMLParser):
    """What a reader sees of an HTML page: its text, the attributes read aloud, its links and its header."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.header: list[str] = []
        self.chrome: list[str] = []  # the header, the footer, the title, messages and a form's errors
        self.links: list[str] = []
        self._hidden = 0  # inside <script>, <style>, <template>
        self._in_header = 0
        self._svg = 0  # a chart's own <title> is its description, not the page's title
        self._report = 0  # inside the published report itself (div.kouka-report), the city's own document
        self.outside_report: list[str] = []
        self._chrome: list[str] = []  # the open tags of the chrome
        self._lang_ja = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "header":
            self._in_header += 1
        if tag == "svg":
            self._svg += 1
        if self._report and tag == "div":
            self._report += 1
        elif "kouka-report" in values.get("class", "").split() and tag == "div":
            self._report = 1
        classes = values.get("class", "").split()
        if self._chrome and tag in VOID:
            pass
        elif self._chrome or tag in ("header", "footer") or (tag == "title" and not self._svg) or CHROME & set(classes):
            self._chrome.append(tag)
        if self._in_header and values.get("lang") == "ja":
            self._lang_ja += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        read = [values[name] for name in READ_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            read.append(values["value"])
        self._add(" ".join(read))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)
        if tag == "header":
            self._in_header = max(0, self._in_header - 1)
        if tag == "svg":
            self._svg = max(0, self._svg - 1)
        if tag == "div" and self._report:
            self._report -= 1
        if self._chrome and self._chrome[-1] == tag:
            self._chrome.pop()
        if tag == "a" and self._lang_ja:
            self._lang_ja -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add(data)

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.texts.append(text)
            if self._in_header and not self._lang_ja:
                self.header.append(text)
            if self._chrome and not self._lang_ja:
                self.chrome.append(text)
            if not self._report:
                self.outside_report.append(text)


def read_page(content: str) -> Page:
    page = Page()
    page.feed(content)
    page.close()
    return page


def field_names() -> set[str]:
    """Every property name of the interchange schema (grant_yen, kpis, baseline …)."""
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return names


FIELDS = field_names()
CODE_NAME = re.compile(r"(?<![A-Za-z0-9_\-./])(" + "|".join(sorted(map(re.escape, FIELDS), key=len, reverse=True))
                       + r")(?![A-Za-z0-9_\-])")


def problems_in_japanese(texts: list[str], allowed: set[str]) -> list[str]:
    """English words, raw JSON and code names in what a reader sees of a Japanese page."""
    found = []
    for text in texts:
        english = [w for w in WORD.findall(FILE_NAME.sub("", text)) if w.lower() not in ALLOWED | allowed
                   and any(c.islower() for c in w)]
        if english:
            found.append(f"English {english}: {text[:120]}")
        if RAW_JSON.search(text):
            found.append(f"raw JSON: {text[:120]}")
        if CODE_NAME.search(text):
            found.append(f"field code name {CODE_NAME.search(text)[0]!r}: {text[:120]}")  # type: ignore[index]
    return found


def translated_messages() -> set[str]:
    """The catalogue's Japanese messages that have an English translation and no placeholder (4+ characters)."""
    return {e.msgid for e in polib.pofile(str(CATALOGUE)).translated_entries()
            if e.msgstr and e.msgstr != e.msgid and "{" not in e.msgid and "%" not in e.msgid
            and len(e.msgid) >= 4 and not e.msgctxt}


def untranslated(texts: list[str], japanese_messages: set[str]) -> list[str]:
    """The catalogue's messages shown as they are (a whole text, or one before a colon): not translated.

    A message inside a longer text is the city's own prose (「左表の成果目標は…」), not kouka's words."""
    shown = {text.strip() for text in texts} | {text.split(":")[0].split("：")[0].strip() for text in texts}
    return sorted(shown & japanese_messages)


@dataclass
class Walk:
    """The pages one role reaches, with what each shows."""

    pages: dict[str, str] = field(default_factory=dict)  # path → HTML

    def add(self, path: str, content: str) -> None:
        self.pages[path] = content


def internal(base: str, href: str) -> str | None:
    """The site path a link leads to, or None for another site, an anchor, a download or the API."""
    target = urlsplit(urljoin(base, href))
    if target.scheme not in ("", "http") or target.netloc not in ("", "testserver") or href.startswith("#"):
        return None
    path = target.path + (f"?{target.query}" if target.query else "")
    if NOT_PAGES.search(target.path) or "page=" in target.query:
        return None
    return path


def walk(client: Client, starts: tuple[str, ...]) -> Walk:
    """Follow the links of every HTML page from ``starts`` (breadth first, at most LIMIT pages)."""
    seen = Walk()
    queue = list(starts)
    queued = set(queue)
    while queue and len(seen.pages) < LIMIT:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code in (301, 302):
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        content = response.content.decode("utf-8")
        seen.add(path, content)
        for href in read_page(content).links:
            target = internal(path, href)
            if target is not None and target not in queued:
                queued.add(target)
                queue.append(target)
    return seen


def answers_to_forms(world: "World", client: Client) -> Iterator[tuple[str, str]]:
    """Pages only a form's answer shows: a form with errors, the import preview, a refusal, a message."""
    yield "comment: empty", client.post("/staff/2023/projects/1/comments/", {"text": ""}, follow=True
                                        ).content.decode()
    yield "kpi: bad actual", client.post("/staff/2023/projects/1/kpis/1/", {"actual_2023": "abc"}).content.decode()
    yield "project: bad period", client.post("/staff/2023/projects/new/", {
        "number": "9", "title": "x", "start_year": "2024", "end_year": "2023"}).content.decode()
    with EXAMPLE.open("rb") as upload:
        yield "import preview", client.post("/staff/import/", {"file": upload}).content.decode()
    yield "import of a picture", client.post("/staff/import/", {
        "file": _named(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "report.pdf")}).content.decode()
    yield "publish with errors", client.post("/staff/2023/transition/publish/", follow=True).content.decode()


FORM_ANSWERS = {"comment: empty": ("コメントを入力してください", "Enter a comment"),
                "import of a picture": ("中身はPDFではありません", "the content is not a PDF"),
                "project: bad period": ("終了年度が開始年度より前です", "The end year is before the start year")}


def english_form_answers(world: "World", client: Client, japanese_messages: set[str]) -> list[str]:
    """The answers to forms in English (the language switch is on): their messages and errors are English."""
    found = []
    for name, content in answers_to_forms(world, client):
        chrome = "\n".join(read_page(content).chrome)
        left = untranslated(read_page(content).chrome, japanese_messages)
        if left:
            found.append(f"{name}: untranslated in English: {left[:5]}")
        if name in FORM_ANSWERS and FORM_ANSWERS[name][1] not in chrome:
            found.append(f"{name}: no {FORM_ANSWERS[name][1]!r} in {chrome[-300:]}")
    return found


def _named(data: bytes, name: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def data_words(world: "World") -> set[str]:
    """Latin words that are the municipality's data, not kouka's messages (user names, e-mail addresses)."""
    from django.contrib.auth import get_user_model

    words = {w.lower() for w in WORD.findall(EXAMPLE.read_text(encoding="utf-8"))}  # the example's own words
    for user in get_user_model().objects.all():
        words.update(w.lower() for w in WORD.findall(f"{user.get_username()} {user.email}"))
    return words


def test_every_page_is_japanese_without_json_or_code_names_and_english_has_english_chrome(world: "World") -> None:
    allowed = data_words(world)
    problems: list[str] = []
    english_problems: list[str] = []
    japanese_messages = translated_messages()
    visited = 0
    for role in ("anonymous", "kikaku", "shoko", "yushikisha"):
        client = world.client(role)
        seen = walk(client, START + (STAFF_START if role != "anonymous" else ()))
        pages = list(seen.pages.items())
        if role == "kikaku":
            pages += list(answers_to_forms(world, client))
        visited += len(pages)
        for path, content in pages:
            if path in FORM_ANSWERS:
                assert FORM_ANSWERS[path][0] in content, path  # the answer is there to be checked
            problems += [f"{role} {path}: {p}" for p in problems_in_japanese(read_page(content).texts, allowed)]
        client.get("/i18n/en/")
        for path, _content in pages[:: 1 if role == "kikaku" else 3]:
            if path.startswith(("comment:", "kpi:", "project:", "import", "publish")):
                continue
            english = read_page(client.get(path).content.decode("utf-8"))
            header = " ".join(english.header)
            for name in [world.member(role).display_name] if role != "anonymous" else []:
                header = header.replace(name, "")
            if JAPANESE.search(header):
                english_problems.append(f"{role} {path}: Japanese in the English header: {header[:160]}")
            left = untranslated(english.outside_report, japanese_messages)
            if left:
                english_problems.append(f"{role} {path}: untranslated in English: {left[:5]}")
        if role == "kikaku":
            english_problems += english_form_answers(world, client, japanese_messages)
        client.get("/i18n/ja/")
    assert visited > 60, visited
    assert problems == [], "\n".join(sorted(set(problems))[:80])
    assert english_problems == [], "\n".join(sorted(set(english_problems))[:80])
