"""The change history as people write it: 「事業① 成果目標② 令和5年度 実績値: 27人 → 29人（商工 太郎、11月27日
14:03）」.

A :class:`~kouka.web.models.Change` keeps what a write stored before and after as JSON (kouka.web.history);
this module only reads it and says, field by field and in the city's words, what changed: the fields' names
come from :data:`kouka.domain.limits.LABELS`, figures and money are written as the publication writes them
(``write_measurement``, ``format_yen``, ``format_fiscal_year``), and every action has a phrase
(:data:`ACTIONS`). No JSON, no field code name and no action name reaches the page.
"""

import difflib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from kouka import interchange
from kouka.domain.checks import number_label
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.jpnumbers import format_yen
from kouka.domain.limits import LABELS
from kouka.domain.model import DIRECTION_LABELS, EFFECT_LABELS
from kouka.domain.notation import write_measurement
from kouka.web.models import Change, Role, TokenScope, user_label

SHORT = 40  # characters of a paragraph quoted in a line; the change's page shows it whole (whole_texts)
QUOTE_LIMIT: ContextVar[int | None] = ContextVar("kouka_history_quote_limit", default=SHORT)
NONE = gettext_noop("（なし）")
SEPARATOR = gettext_noop("、")  # between the items of a list (商工労働課、企業誘致課)


@dataclass(frozen=True)
class Described:
    """A change in words: one sentence per line, who made it and when."""

    lines: list[str]
    author: str
    when: str

    @property
    def signature(self) -> str:
        """（商工 太郎、11月27日 14:03）."""
        return _("（{author}、{when}）").format(author=self.author, when=self.when)

    @property
    def text(self) -> str:
        """The whole change as one paragraph, each line a sentence, the signature after the last."""
        return "\n".join(self.lines) + self.signature


# --- values -------------------------------------------------------------------------------------------------


@contextmanager
def whole_texts() -> Iterator[None]:
    """Quote texts whole, not cut (the page of one change)."""
    token = QUOTE_LIMIT.set(None)
    try:
        yield
    finally:
        QUOTE_LIMIT.reset(token)


def quoted(text: str, limit: int | None = None) -> str:
    """「まちなか創業…」: a text quoted, cut after ``limit`` characters (by default :data:`SHORT`, or not at all
    within :func:`whole_texts`)."""
    text = " ".join(str(text).split())
    default = QUOTE_LIMIT.get()
    cut = None if default is None else (limit or default)
    shown = f"{text[:cut]}…" if cut is not None and len(text) > cut else text
    return _("「{text}」").format(text=shown)


def measurement_text(data: Any) -> str:
    """A stored figure as the publication writes it: 90社(速報値), （事業開始前）; 「（なし）」 for none."""
    if not data:
        return _(NONE)
    try:
        measurement = interchange.measurement_from_json(data)
    except (KeyError, TypeError, ValueError, ArithmeticError):  # a figure stored by an older kouka
        return str(data.get("text") or _(NONE)) if isinstance(data, dict) else _(NONE)
    return write_measurement(measurement) if measurement is not None else _(NONE)


def yen_text(value: Any) -> str:
    return format_yen(value) if isinstance(value, int) else _(NONE)


def year_text(value: Any) -> str:
    try:
        return format_fiscal_year(int(value)) if value is not None else _(NONE)
    except (KoukaError, TypeError, ValueError):  # a year before 明治: shown as stored
        return str(value)


def period_text(value: Any) -> str:
    if not isinstance(value, dict):
        return _(NONE)
    return _("{start}～{end}").format(start=year_text(value.get("start")), end=year_text(value.get("end")))


def categorised_text(value: Any) -> str:
    """事業の評価 and 今後の方針: the words written, else the national scale's words."""
    if not isinstance(value, dict):
        return _(NONE)
    if value.get("text"):
        return quoted(value["text"])
    category = value.get("category")
    labels = {k.value: v for k, v in EFFECT_LABELS.items()} | {k.value: v for k, v in DIRECTION_LABELS.items()}
    return labels.get(str(category), _(NONE))


def list_text(value: Any) -> str:
    return _(SEPARATOR).join(str(v) for v in value) if isinstance(value, list) and value else _(NONE)


def text_text(value: Any) -> str:
    return quoted(value) if value not in (None, "") else _(NONE)


def number_text(value: Any) -> str:
    return str(value) if value is not None else _(NONE)


CHOICES: dict[str, dict[str, str]] = {
    "kind": {"single": gettext_noop("市単独事業"), "wide_area": gettext_noop("広域連携事業")},
    "direction": {"higher": gettext_noop("多いほどよい"), "lower": gettext_noop("少ないほどよい")},
    "scope": {"municipality": gettext_noop("本市の事業"), "wide_area": gettext_noop("広域（全体）の指標")},
    "target_kind": {"level": gettext_noop("各年度に到達する値（累計・水準）"),
                    "increment": gettext_noop("各年度の増加分")},
}


# A choice the interchange leaves out when it is the default (kouka.interchange.kpi_json): absent means this.
DEFAULT_CHOICES = {"target_kind": "level"}


def choice_text(key: str) -> Callable[[Any], str]:
    return lambda value: _(CHOICES[key].get(str(DEFAULT_CHOICES.get(key) if value is None else value), NONE))


# How each field's value is written; a list of paragraphs is compared paragraph by paragraph instead.
VALUES: dict[str, Callable[[Any], str]] = {
    "number": number_text, "title": text_text, "cost_label": text_text, "kpi_scope_label": text_text,
    "lead_body": text_text, "key": text_text, "name": text_text, "unit": text_text, "source": text_text,
    "stated_total_label": text_text, "departments": list_text, "partner_bodies": list_text,
    "period": period_text, "kind": choice_text("kind"), "direction": choice_text("direction"),
    "scope": choice_text("scope"), "target_kind": choice_text("target_kind"),
    "cost_yen": yen_text, "grant_yen": yen_text, "stated_total_yen": yen_text,
    "evaluation": categorised_text, "next_direction": categorised_text, "baseline": measurement_text,
    "baseline_year": year_text, "fiscal_year": year_text, "prefecture": text_text, "code": text_text,
    "rate": number_text,
}
PARAGRAPHS = {"title_notes", "summary", "verification", "figure_captions", "notes", "reviewer_opinion",
              "direction_reason", "kpi_notes", "introduction", "council_remarks", "review_response"}
BY_YEAR = {"targets": measurement_text, "actuals": measurement_text, "marks": text_text}


# --- fields ---------------------------------------------------------------------------------------------------


def label(kind: str, key: str) -> str:
    return _(LABELS[(kind, key)])


def paragraph_lines(subject: str, field: str, before: list[Any], after: list[Any]) -> list[str]:
    """まとめ and other texts of paragraphs, compared paragraph by paragraph (第2段落を追加: 「…」)."""
    single = len(before) <= 1 and len(after) <= 1
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=[str(p) for p in before], b=[str(p) for p in after], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for offset in range(max(i2 - i1, j2 - j1)):
            old = before[i1 + offset] if i1 + offset < i2 else None
            new = after[j1 + offset] if j1 + offset < j2 else None
            where = field if single else _("{field} 第{n}段落").format(
                field=field, n=(j1 if new is not None else i1) + offset + 1)
            if old is None:
                lines.append(_("{subject} {field}を追加: {new}").format(subject=subject, field=where,
                                                                     new=quoted(str(new))))
            elif new is None:
                lines.append(_("{subject} {field}を削除: {old}").format(subject=subject, field=where,
                                                                     old=quoted(old)))
            else:
                lines.append(arrow(subject, where, quoted(old), quoted(new)))
    return lines


def arrow(subject: str, field: str, old: str, new: str) -> str:
    return _("{subject} {field}: {old} → {new}").format(subject=subject, field=field, old=old, new=new).strip()


def by_year_lines(subject: str, field: str, before: Any, after: Any, write: Callable[[Any], str]) -> list[str]:
    """Figures kept per year (目標値, 実績値): one line per year that changed (令和5年度 実績値: 3社 → 5社)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    years = sorted(set(before) | set(after), key=lambda y: int(y) if str(y).isdigit() else 0)
    return [arrow(subject, f"{year_text(year)} {field}", write(before.get(year)), write(after.get(year)))
            for year in years if before.get(year) != after.get(year)]


def field_lines(kind: str, subject: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """One line per field of ``kind`` (project, kpi, report …) that differs, in the order LABELS lists them."""
    lines: list[str] = []
    for (owner, key), _word in LABELS.items():
        if owner != kind or before.get(key) == after.get(key):
            continue
        name = label(kind, key)
        if key in PARAGRAPHS:
            lines += paragraph_lines(subject, name, list(before.get(key) or []), list(after.get(key) or []))
        elif key in BY_YEAR:
            lines += by_year_lines(subject, name, before.get(key), after.get(key), BY_YEAR[key])
        elif key in VALUES:
            lines.append(arrow(subject, name, VALUES[key](before.get(key)), VALUES[key](after.get(key))))
        elif any((key, inner) in LABELS for inner in as_dict(after.get(key)) | as_dict(before.get(key))):
            lines += field_lines(key, subject, as_dict(before.get(key)), as_dict(after.get(key)))  # 団体, 交付金
        else:
            lines.append(_("{subject} {field}を変更しました").format(subject=subject, field=name))
    return lines


# --- actions --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a change's words need beyond the change: the numbers of the year's projects by title."""

    projects: Mapping[str, int]

    def project(self, title: str) -> str:
        """事業① for a project's title; the title in 「」 when no project of the year has it now."""
        number = self.projects.get(title)
        return number_label(number) if number is not None else quoted(title)

    def kpi(self, target: str, data: Mapping[str, Any]) -> str:
        """事業① 成果目標② from a KPI change's target (project title / KPI name) and data."""
        for title, number in self.projects.items():
            if target.startswith(title + " / ") and isinstance(data.get("number"), int):
                return number_label(number, data["number"])
        return quoted(target)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def project_change(change: Change, context: Context) -> list[str]:
    before, after = as_dict(change.before), as_dict(change.after)
    number = after.get("number", before.get("number"))
    subject = number_label(number) if isinstance(number, int) else context.project(change.target)
    if not before:
        return [_("{subject}「{title}」を追加しました").format(subject=subject, title=after.get("title", ""))]
    return field_lines("project", subject, before, after) or [_("{subject}を保存しました（変更なし）").format(
        subject=subject)]


def kpi_change(change: Change, context: Context) -> list[str]:
    before, after = as_dict(change.before), as_dict(change.after)
    subject = context.kpi(change.target, after or before)
    if not before:
        return [_("{subject}「{name}」を追加しました").format(subject=subject, name=after.get("name", ""))]
    return field_lines("kpi", subject, before, after) or [_("{subject}を保存しました（変更なし）").format(
        subject=subject)]


def report_change(change: Change, context: Context) -> list[str]:
    subject = _("{year} 報告全体").format(year=year_of(change))
    return field_lines("report", subject, as_dict(change.before), as_dict(change.after)) or [
        _("{subject}を保存しました（変更なし）").format(subject=subject)]


def year_of(change: Change) -> str:
    cycle = change.cycle
    return year_text(cycle.fiscal_year) if cycle is not None else quoted(change.target)


# The workflow's transitions (kouka.web.services.cycles.TRANSITIONS) as sentences.
WORKFLOW = {
    "submit": gettext_noop("{year}の報告を提出しました"), "review": gettext_noop("{year}の報告を確認済みにしました"),
    "return": gettext_noop("{year}の報告を差し戻しました"),
    "publish": gettext_noop("{year}の報告を公表しました（第{revision}版）"),
    "correct": gettext_noop("{year}の報告の訂正を開始しました"),
}
OTHER_TRANSITION = gettext_noop("{year}の報告の状態を変更しました")


def workflow_change(change: Change, context: Context) -> list[str]:
    name = change.action.split(":", 1)[1]
    after = as_dict(change.after)
    phrase = WORKFLOW.get(name, OTHER_TRANSITION)
    lines = [_(phrase).format(year=year_of(change), revision=after.get("revision", ""))]
    if after.get("note"):
        lines.append(_("訂正内容: {note}").format(note=quoted(after["note"], 200)))
    return lines


# A step on a department's part of the year (kouka.web.services.parts.PART_ACTIONS) as a sentence.
PART_STEPS = {
    "submit": gettext_noop("{year} {department}の{count}事業を提出しました"),
    "return": gettext_noop("{year} {department}の{count}事業を差し戻しました"),
    "confirm": gettext_noop("{year} {department}の{count}事業を確認済みにしました"),
}


def part_change(change: Change, context: Context) -> list[str]:
    after = as_dict(change.after)
    phrase = PART_STEPS.get(change.action.split(":", 1)[1], OTHER_TRANSITION)
    lines = [_(phrase).format(year=year_of(change), department=after.get("department", change.target),
                              count=after.get("count", ""))]
    if after.get("reason"):
        lines.append(_("差し戻しの理由: {reason}").format(reason=quoted(after["reason"], 200)))
    return lines


# The year's deadlines (kouka.web.services.cycles.cycle_deadlines_set) by their names.
DEADLINES = (("submit_deadline", gettext_noop("提出期限")), ("review_deadline", gettext_noop("確認期限")),
             ("publish_date", gettext_noop("公表予定日")))


def cycle_change(change: Change, context: Context) -> list[str]:
    after = as_dict(change.after)
    if change.action == "cycle:deadlines":
        before = as_dict(change.before)
        return [arrow(year_of(change), _(word), before.get(key) or _(NONE), after.get(key) or _(NONE))
                for key, word in DEADLINES if before.get(key) != after.get(key)] or [
            _("{year}の期限を保存しました（変更なし）").format(year=year_of(change))]
    if change.action == "cycle:carry":
        return [_("{year}を{last}から始めました（引き継いだ事業 {count}件）").format(
            year=year_of(change), last=year_text(after.get("from")), count=len(after.get("projects") or []))]
    return [_("{year}を追加しました").format(year=year_of(change))]


def import_change(change: Change, context: Context) -> list[str]:
    after, before = as_dict(change.after), as_dict(change.before)
    projects = after.get("projects") or []
    kpis = sum(len(p.get("kpis") or []) for p in projects if isinstance(p, dict))
    lines = [_("{year}の報告をファイルから取り込みました（事業 {projects}件、成果目標 {kpis}件）").format(
        year=year_of(change), projects=len(projects), kpis=kpis)]
    if before.get("projects"):
        lines.append(_("それまでの作成中の内容（事業 {count}件）を置き換えました").format(
            count=len(before["projects"])))
    return lines


def workbook_change(change: Change, context: Context) -> list[str]:
    """A department workbook saved: one line that says whose, then each field it changed (事業① 事業費: …)."""
    before, after = as_dict(change.before), as_dict(change.after)
    department = after.get("department") or _("全課")
    lines = [_("{year}の記入シート（{department}）を取り込みました（{count}件の変更）").format(
        year=year_of(change), department=department, count=after.get("count", 0))]
    old_projects, new_projects = as_dict(before.get("projects")), as_dict(after.get("projects"))
    for number, data in new_projects.items():
        subject = number_label(int(number)) if str(number).isdigit() else quoted(str(number))
        lines += field_lines("project", subject, as_dict(old_projects.get(number)), as_dict(data))
    old_kpis, new_kpis = as_dict(before.get("kpis")), as_dict(after.get("kpis"))
    for name, data in new_kpis.items():
        project, _dash, kpi = str(name).partition("-")
        subject = number_label(int(project), int(kpi)) if project.isdigit() and kpi.isdigit() else quoted(name)
        lines += field_lines("kpi", subject, as_dict(old_kpis.get(name)), as_dict(data))
    return lines


def comment_change(change: Change, context: Context) -> list[str]:
    text = as_dict(change.after).get("comment", "")
    return [_("{subject}にコメントしました: {text}").format(subject=context.project(change.target),
                                                        text=quoted(text, 80))]


def department_change(change: Change, context: Context) -> list[str]:
    return [_("担当課「{name}」を追加しました").format(name=as_dict(change.after).get("name", change.target))]


def role_text(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else _(NONE)


def active_text(value: Any) -> str:
    return _("有効") if value else _("無効")


PERSON_FIELDS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("display_name", gettext_noop("表示名"), text_text), ("email", gettext_noop("メールアドレス"), text_text),
    ("role", gettext_noop("役割"), role_text), ("departments", gettext_noop("担当課"), list_text),
    ("active", gettext_noop("状態"), active_text),
)
PERSON_ACTIONS = {
    "user:create": gettext_noop("職員{person}を追加しました（{details}）"),
    "user:deactivate": gettext_noop("職員{person}を無効にしました"),
    "user:activate": gettext_noop("職員{person}を有効に戻しました"),
    "user:password_reset": gettext_noop("職員{person}のパスワードを再発行しました"),
    "user:password_change": gettext_noop("{person}が自分のパスワードを変更しました"),
    "user:unlock": gettext_noop("職員{person}のログインの制限を解除しました"),
}
OTHER_PERSON_ACTION = gettext_noop("職員{person}を変更しました")


def person_name(change: Change) -> str:
    """「商工 太郎」（shoko）, or the user name alone when there is no display name."""
    data = as_dict(change.after) or as_dict(change.before)
    username = str(data.get("username") or change.target)
    shown = data.get("display_name")
    return _("「{name}」（{username}）").format(name=shown, username=username) if shown else quoted(username)


def person_change(change: Change, context: Context) -> list[str]:
    person = person_name(change)
    if change.action == "user:update":
        before, after = as_dict(change.before), as_dict(change.after)
        return [arrow(_("職員{person}").format(person=person), _(word), write(before.get(key)), write(after.get(key)))
                for key, word, write in PERSON_FIELDS if before.get(key) != after.get(key)] or [
            _("職員{person}を保存しました（変更なし）").format(person=person)]
    after = as_dict(change.after)
    details = _(SEPARATOR).join(_("{field}: {value}").format(field=_(word), value=write(after.get(key)))
                        for key, word, write in PERSON_FIELDS[1:4])
    phrase = PERSON_ACTIONS.get(change.action, OTHER_PERSON_ACTION)
    return [_(phrase).format(person=person, details=details)]


def token_change(change: Change, context: Context) -> list[str]:
    data = as_dict(change.after)
    scope = str(TokenScope(data["scope"]).label) if data.get("scope") in TokenScope.values else _(NONE)
    if data.get("department"):
        scope = _("{scope}、{department}").format(scope=scope, department=data["department"])
    token = _("APIトークン「{name}」（{scope}）").format(name=data.get("name", change.target), scope=scope)
    if change.action == "token:revoke":
        return [_("{token}を取り消しました").format(token=token)]
    expires = data.get("expires")
    # an expiry is stored as the midnight that ends the last valid day
    until = _("有効期限 {date}まで").format(date=when_text(
        datetime.fromisoformat(expires) - timedelta(seconds=1), day_only=True)) if expires else _("有効期限なし")
    return [_("{token}を作成しました（{until}）").format(token=token, until=until)]


def photo_change(change: Change, context: Context) -> list[str]:
    """事業① まとめに写真「表彰式の様子」を追加しました（代替テキスト: …、まとめの最初）."""
    before, after = as_dict(change.before), as_dict(change.after)
    number = after.get("number", before.get("number"))
    subject = number_label(number) if isinstance(number, int) else context.project(change.target)
    figure = after if change.action == "photo:add" else before
    caption = figure.get("caption") or _("（説明なし）")
    if change.action == "photo:remove":
        return [_("{subject} まとめから写真{caption}を削除しました").format(subject=subject,
                                                                              caption=quoted(caption))]
    place = (_("まとめの{number}段落目の後").format(number=figure["after"]) if figure.get("after")
             else _("まとめの最初"))
    return [_("{subject} まとめに写真{caption}を追加しました（代替テキスト: {alt}、{place}）").format(
        subject=subject, caption=quoted(caption), alt=quoted(figure.get("alt", "")), place=place)]


def unknown_change(change: Change, context: Context) -> list[str]:
    """An action this module has no words for yet: what it changed, without code names."""
    return [_("{target}を変更しました").format(target=quoted(change.target))]


# Each action (or its family before ":") → how its change reads.
ACTIONS: dict[str, Callable[[Change, Context], list[str]]] = {
    "project": project_change, "kpi": kpi_change, "report": report_change, "workflow": workflow_change,
    "cycle": cycle_change, "import": import_change, "workbook": workbook_change, "comment": comment_change,
    "department": department_change, "user": person_change, "token": token_change, "photo": photo_change,
    "part": part_change,
}


def when_text(moment: datetime, *, day_only: bool = False, now: datetime | None = None) -> str:
    """11月27日 14:03 this year (in the site's time zone), 2023年11月27日 14:03 another year."""
    local = timezone.localtime(moment)
    this_year = timezone.localtime(now or timezone.now()).year
    day = (pgettext("date", "{month}月{day}日").format(month=local.month, day=local.day) if local.year == this_year
           else pgettext("date", "{year}年{month}月{day}日").format(year=local.year, month=local.month, day=local.day))
    if day_only:
        return day
    return f"{day} {local.hour}:{local.minute:02d}"


def describe(change: Change, context: Context | None = None) -> Described:
    """``change`` in words; ``context`` gives the year's projects' numbers (事業① instead of its title)."""
    family = change.action.split(":", 1)[0]
    words = ACTIONS.get(family, unknown_change)
    return Described(words(change, context or Context({})), user_label(change.user), when_text(change.at))
