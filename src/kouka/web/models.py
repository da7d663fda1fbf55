"""What the web application stores. Domain content (a project's fields, a KPI's figures) is kept in the
interchange format (``kouka.interchange`` JSON) so nothing about it is modelled twice; the mapping to and
from :mod:`kouka.domain.model` lives in :mod:`kouka.web.mapping` only.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("企画担当（管理者）")
    EDITOR = "editor", gettext_lazy("担当課（編集者）")
    REVIEWER = "reviewer", gettext_lazy("外部有識者・確認者")


class State(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済み"
    REVIEWED = "reviewed", "確認済み"
    PUBLISHED = "published", "公表済み"


class Municipality(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField("団体名", max_length=60)
    prefecture = models.CharField("都道府県", max_length=20, blank=True)
    code = models.CharField("団体コード", max_length=6, blank=True)

    class Meta:
        ordering = ("code", "name",)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("課名", max_length=60)

    class Meta:
        ordering = ("name",)
        constraints = (models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name"),)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff user's municipality, role and (for editors) departments."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("役割", max_length=10, choices=Role.choices)
    departments = models.ManyToManyField(Department, blank=True, related_name="members")
    display_name = models.CharField("表示名", max_length=60, blank=True)  # 商工 太郎; blank: the user name
    must_change_password = models.BooleanField("パスワードの変更が必要", default=False)  # after a one-time password
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the administrator's form

    def __str__(self) -> str:
        return f"{self.user} ({self.municipality}, {self.role})"


def user_label(user: Any) -> str:
    """The name a user is shown by in the history and beside comments: the display name (商工 太郎), else the
    user name; an API token's writes are shown as the token (APIトークン「市のCMS」); nobody is 「－」.

    Reads ``user.membership`` and its ``api_token``: select them with the user (``user__membership__api_token``)."""
    if user is None:
        return "－"
    member = getattr(user, "membership", None)  # a missing reverse one-to-one is an AttributeError
    if member is None:
        return str(user.get_username())
    token = getattr(member, "api_token", None)
    if token is not None:
        return gettext("APIトークン「{name}」").format(name=token.name)
    return str(member.display_name or user.get_username())


class Cycle(models.Model):
    """One municipality's report for one fiscal year, moving draft → submitted → reviewed → published."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="cycles")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField("公表版", default=0)  # number of publications so far
    report = models.JSONField(default=dict)  # report-level interchange fields, without projects
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the report-level form
    # the planning division's deadlines of the year (blank: not set)
    submit_deadline = models.DateField("提出期限", null=True, blank=True)
    review_deadline = models.DateField("確認期限", null=True, blank=True)
    publish_date = models.DateField("公表予定日", null=True, blank=True)

    class Meta:
        ordering = ("-fiscal_year",)  # the latest year first
        constraints = (models.UniqueConstraint(fields=["municipality", "fiscal_year"], name="cycle_unique_year"),)

    def __str__(self) -> str:
        return f"{self.municipality} {self.fiscal_year}"


class PartState(models.TextChoices):
    """Where one department's part of a year stands (no row yet: not submitted, 未着手 or 作成中)."""

    OPEN = "open", gettext_lazy("作成中")
    SUBMITTED = "submitted", gettext_lazy("提出済み")
    RETURNED = "returned", gettext_lazy("差し戻し")
    CONFIRMED = "confirmed", gettext_lazy("確認済み")


class DepartmentPart(models.Model):
    """One department's part of a year's report (its projects): submitted by the department, returned with a
    written reason or confirmed by the planning division."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="parts")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="parts")
    state = models.CharField("状態", max_length=10, choices=PartState.choices, default=PartState.OPEN)
    reason = models.TextField("差し戻しの理由", max_length=2000, blank=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("department__name",)
        constraints = (models.UniqueConstraint(fields=["cycle", "department"], name="part_unique_department"),)

    def __str__(self) -> str:
        return f"{self.cycle} {self.department}"


class Notice(models.Model):
    """One e-mail notice sent: one event to one recipient, kept so that it is sent exactly once."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField("出来事", max_length=120)  # submit:12:3, return:12:3:5, deadline:submit:7
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["event", "recipient"], name="notice_unique_event"),)


class StoredPart(models.Model):
    """A numbered part of a report kept as interchange JSON (``data``), with the version optimistic locking
    compares: a form or API client sends the version it saw, and a stale one is refused."""

    data: Any = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ("number",)


class ProjectRecord(StoredPart):
    """One project (事業) of a year's report; ``data`` is its project_json without "kpis" (they are records of
    their own)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="projects")
    number = models.PositiveSmallIntegerField("事業番号")
    title = models.CharField("事業名", max_length=300)
    departments = models.ManyToManyField(Department, blank=True, related_name="projects")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    class Meta(StoredPart.Meta):
        constraints = (models.UniqueConstraint(fields=["cycle", "number"], name="project_unique_number"),)


class KpiRecord(StoredPart):
    """One KPI (成果目標) of a project; ``data`` is its kpi_json."""

    project = models.ForeignKey(ProjectRecord, on_delete=models.CASCADE, related_name="kpis")
    number = models.PositiveSmallIntegerField("成果目標番号")
    name = models.CharField("成果目標", max_length=300)
    unit = models.CharField("単位", max_length=20)

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    class Meta(StoredPart.Meta):
        constraints = (models.UniqueConstraint(fields=["project", "number"], name="kpi_unique_number"),)


class Comment(models.Model):
    """A reviewer's or administrator's comment on a project."""

    project = models.ForeignKey(ProjectRecord, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    text = models.TextField("コメント", max_length=4000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created",)


class Publication(models.Model):
    """A frozen published revision: the whole report as interchange JSON."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="publications")
    revision = models.PositiveIntegerField("版")
    note = models.TextField("訂正内容", max_length=2000, blank=True)
    document: Any = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    # SHA-256 of the document's canonical JSON (kouka.web.ops.bulkload.digest): a bulk load skips what it holds
    digest = models.CharField("内容のハッシュ", max_length=64, blank=True, default="")

    class Meta:
        ordering = ("-revision",)
        constraints = (models.UniqueConstraint(fields=["cycle", "revision"], name="publication_unique_revision"),)


class Change(models.Model):
    """One recorded change: who, when, what, before and after."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="changes")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=300)
    before: Any = models.JSONField(null=True)
    after: Any = models.JSONField(null=True)

    class Meta:
        ordering = ("-at", "-id",)


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("公表データの読み取り")
    WRITE = "write", gettext_lazy("担当課の実績値・まとめの入力")


class ApiToken(models.Model):
    """A key another system (the city's CMS, a prefecture's collector) uses for the API instead of a person's
    sign-in: of one municipality, with a scope, revocable, optionally expiring; only its SHA-256 is stored.

    A write token acts through ``member``, a membership of its own (an editor of ``department`` whose user cannot
    sign in), so the services' permission rules apply to it unchanged and its writes are recorded as its own.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名前", max_length=100)
    scope = models.CharField("範囲", max_length=10, choices=TokenScope.choices)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="api_tokens")
    member = models.OneToOneField(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="api_token")
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the secret, hex
    prefix = models.CharField("先頭の文字", max_length=16)  # the secret's first characters, to recognise it by
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    expires = models.DateTimeField("有効期限", null=True, blank=True)
    revoked = models.DateTimeField("取消日時", null=True, blank=True)
    last_used = models.DateTimeField("最終使用日時", null=True, blank=True)
    uses = models.PositiveIntegerField("使用回数", default=0)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class KpiFact(models.Model):
    """One KPI of one published report, denormalised so dashboards are SQL GROUP BYs (kouka.web.stats.facts).

    A project without KPIs gets one row with no KPI. ``project_row`` marks one row per project in a report,
    the one whose money is summed. A wide-area project appears in every participating body's report, each
    with the body's share of the cost; ``counted`` marks the one copy (the lead's, else a deterministic one)
    whose project and KPIs count in aggregates, while the money of every copy is summed (the shares).
    Rows are derived: they are rebuilt from the cycle's latest Publication, never edited.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="facts")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="facts")
    prefecture = models.CharField("都道府県", max_length=20)
    body_code = models.CharField("団体コード", max_length=6)
    body_name = models.CharField("団体名", max_length=60)
    fiscal_year = models.PositiveSmallIntegerField("年度")  # the report's fiscal year, the year judged
    project_number = models.PositiveSmallIntegerField("事業番号")
    project_key = models.CharField("事業の識別子", max_length=200)
    project_title = models.CharField("事業名", max_length=300)
    kind = models.CharField("事業の種類", max_length=10)  # kouka.domain.model.ProjectKind
    wide_key = models.CharField("広域連携事業の識別子", max_length=400, blank=True)
    is_lead = models.BooleanField("主体", default=True)
    counted = models.BooleanField("集計に含む", default=True)
    project_row = models.BooleanField("事業の代表行", default=False)
    cost_yen = models.BigIntegerField("事業費（円）", null=True)
    grant_yen = models.BigIntegerField("交付金充当額（円）", null=True)
    kpi_number = models.PositiveSmallIntegerField("成果目標番号", null=True)
    kpi_key = models.CharField("成果目標の識別子", max_length=200, blank=True)
    kpi_name = models.CharField("成果目標", max_length=300, blank=True)
    unit = models.CharField("単位", max_length=40, blank=True)
    unit_group = models.CharField("単位の区分", max_length=40, blank=True)
    judgement = models.CharField("判定", max_length=14, blank=True)  # kouka.domain.rules.Judgement, "" = no KPI
    preliminary = models.BooleanField("速報値", default=False)

    class Meta:
        indexes = (
            models.Index(fields=["fiscal_year", "prefecture"], name="fact_year_pref"),
            models.Index(fields=["prefecture", "fiscal_year"], name="fact_pref_year"),
            models.Index(fields=["municipality", "fiscal_year"], name="fact_body_year"),
            models.Index(fields=["unit_group", "fiscal_year"], name="fact_unit_year"),
            models.Index(fields=["kind", "fiscal_year"], name="fact_kind_year"),
            models.Index(fields=["wide_key", "fiscal_year"], name="fact_wide"),
            models.Index(fields=["cycle"], name="fact_cycle"),
        )

    def __str__(self) -> str:
        return f"{self.body_name} {self.fiscal_year} {self.project_number}-{self.kpi_number}"


class TallyMeasures(models.Model):
    """The measures of a rollup row (kouka.web.stats.rollup): sums of the facts of one group.

    A row with ``unit_group`` "" holds the reports, projects and money of its group and its KPIs of every
    unit; a row with a unit group holds only that unit's KPIs.
    """

    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("事業の種類", max_length=10)
    unit_group = models.CharField("単位の区分", max_length=40, blank=True)
    reports = models.IntegerField(default=0)  # reports with projects of this kind
    reports_any = models.IntegerField(default=0)  # reports of any kind, on one kind's row only
    projects = models.IntegerField(default=0)
    wide_area_projects = models.IntegerField(default=0)
    cost_yen = models.BigIntegerField(default=0)
    grant_yen = models.BigIntegerField(default=0)
    met = models.IntegerField(default=0)
    not_met = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    not_judgeable = models.IntegerField(default=0)
    preliminary = models.IntegerField(default=0)

    class Meta:
        abstract = True


class AreaRollup(TallyMeasures):
    """The facts of a prefecture's fiscal year by kind and unit, each wide-area project counted once."""

    prefecture = models.CharField("都道府県", max_length=20)

    class Meta:
        indexes = (models.Index(fields=["unit_group", "fiscal_year"], name="area_unit_year"),
                   models.Index(fields=["prefecture", "fiscal_year"], name="area_pref_year"))


class BodyRollup(TallyMeasures):
    """One body's facts of a fiscal year by kind and unit, with its own copy of wide-area projects."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="rollups")
    prefecture = models.CharField("都道府県", max_length=20)
    body_code = models.CharField("団体コード", max_length=6)
    body_name = models.CharField("団体名", max_length=60)

    class Meta:
        indexes = (models.Index(fields=["unit_group", "fiscal_year"], name="body_unit_year"),
                   models.Index(fields=["municipality", "fiscal_year"], name="body_body_year"),
                   models.Index(fields=["prefecture", "fiscal_year"], name="body_pref_year"))


class RollupState(models.Model):
    """What the fact table looked like when the rollups were last made whole (kouka.web.stats.rollup)."""

    max_fact_id = models.BigIntegerField(default=0)
    fact_count = models.BigIntegerField(default=0)


class SearchEntry(models.Model):
    """One project of a cycle's latest publication as the public search reads it (kouka.web.stats.search).

    ``text`` is the project's title, まとめ and KPI names, folded (kouka.domain.search.folded), one per line;
    SQLite indexes it with an FTS5 trigram table kept by triggers, PostgreSQL with a pg_trgm GIN index
    (migration 0008). Rows are derived: replaced with each publication, never edited.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="search_entries")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="search_entries")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    project_number = models.PositiveSmallIntegerField("事業番号")
    title = models.TextField("事業名")
    kpis: Any = models.JSONField(default=list)  # [[number, name], ...] to show which KPIs matched
    text = models.TextField()

    class Meta:
        indexes = (models.Index(fields=["-fiscal_year", "cycle", "project_number"], name="search_order"),)


class TaskKind(models.TextChoices):
    """What an uploaded file is read as: a published report (or kouka's data), or a department's filled workbook."""

    REPORT = "report", gettext_lazy("公表資料・データの取込")
    WORKBOOK = "workbook", gettext_lazy("記入シートの取込")


class TaskState(models.TextChoices):
    """How far the task queue has got with an uploaded file: waiting, being read, read (its result then waits for
    someone to confirm or cancel it) or not readable (``UploadTask.message`` says why, in the uploader's words)."""

    QUEUED = "queued", gettext_lazy("順番待ち")
    RUNNING = "running", gettext_lazy("読み込み中")
    DONE = "done", gettext_lazy("読み込み完了")
    FAILED = "failed", gettext_lazy("読み込めませんでした")


class UploadTask(models.Model):
    """An uploaded file kept until it is read (outside the request, by the task queue) and then confirmed or
    cancelled: its bytes and their SHA-256, who uploaded it for which year and department, how far reading got,
    and what reading found (``result``, what the review page shows)."""

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="upload_tasks")
    kind = models.CharField("種類", max_length=10, choices=TaskKind.choices)
    fiscal_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    department = models.CharField("課名", max_length=60, blank=True)  # "": every department
    filename = models.CharField("ファイル名", max_length=255)
    language = models.CharField("言語", max_length=10, blank=True)  # the uploader's: what reading it says is in it
    data = models.BinaryField()
    digest = models.CharField(max_length=64)  # SHA-256 of data, hex
    state = models.CharField("状態", max_length=10, choices=TaskState.choices, default=TaskState.QUEUED)
    message = models.TextField(blank=True)  # why reading failed, in the user's words
    result: Any = models.JSONField(null=True, blank=True)
    # what the uploader said of a report the file may leave out: {"fiscal_year": 2022, "municipality": "伊勢崎市",
    # "prefecture": "群馬県"} (kouka.importers.partial.Supplied)
    supplied: Any = models.JSONField("取込時の指定", default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"
