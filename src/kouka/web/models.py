"""What the web application stores. Domain content (a project's fields, a KPI's figures) is kept in the
interchange format (``kouka.interchange`` JSON) so nothing about it is modelled twice; the mapping to and
from :mod:`kouka.domain.model` lives in :mod:`kouka.web.mapping` only.
"""

from typing import Any

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "企画担当（管理者）"
    EDITOR = "editor", "担当課（編集者）"
    REVIEWER = "reviewer", "外部有識者・確認者"


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

    def __str__(self) -> str:
        return f"{self.user} ({self.municipality}, {self.role})"


class Cycle(models.Model):
    """One municipality's report for one fiscal year, moving draft → submitted → reviewed → published."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="cycles")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField("公表版", default=0)  # number of publications so far
    report = models.JSONField(default=dict)  # report-level interchange fields, without projects
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of the report-level form

    class Meta:
        ordering = ("-fiscal_year",)
        constraints = (models.UniqueConstraint(fields=["municipality", "fiscal_year"], name="cycle_unique_year"),)

    def __str__(self) -> str:
        return f"{self.municipality} {self.fiscal_year}"


class ProjectRecord(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="projects")
    number = models.PositiveSmallIntegerField("事業番号")
    title = models.CharField("事業名", max_length=300)
    departments = models.ManyToManyField(Department, blank=True, related_name="projects")
    data: Any = models.JSONField(default=dict)  # interchange project_json without "kpis"
    version = models.PositiveIntegerField(default=1)  # optimistic locking: a stale form is refused

    class Meta:
        ordering = ("number",)
        constraints = (models.UniqueConstraint(fields=["cycle", "number"], name="project_unique_number"),)

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class KpiRecord(models.Model):
    project = models.ForeignKey(ProjectRecord, on_delete=models.CASCADE, related_name="kpis")
    number = models.PositiveSmallIntegerField("成果目標番号")
    name = models.CharField("成果目標", max_length=300)
    unit = models.CharField("単位", max_length=20)
    data: Any = models.JSONField(default=dict)  # interchange kpi_json
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("number",)
        constraints = (models.UniqueConstraint(fields=["project", "number"], name="kpi_unique_number"),)

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Comment(models.Model):
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
