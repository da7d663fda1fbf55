"""The first schema: municipalities with their departments and members; a fiscal year's cycle with its projects,
their KPIs and comments; publications and the history of changes. Written compactly with the pieces of
``shapes``; what it does is what Django generated (tests/test_web_migrations.py)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import CASCADE

from kouka.web.migrations.shapes import add, belongs_to, key, person, unique

ROLES = [("admin", "企画担当（管理者）"), ("editor", "担当課（編集者）"), ("reviewer", "外部有識者・確認者")]
STATES = [("draft", "作成中"), ("submitted", "提出済み"), ("reviewed", "確認済み"), ("published", "公表済み")]


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        migrations.CreateModel(name="Department", options={"ordering": ("name",)}, fields=[
            key(), ("name", models.CharField(max_length=60, verbose_name="課名"))]),
        migrations.CreateModel(name="Municipality", options={"ordering": ("code", "name")}, fields=[
            key(),
            ("slug", models.SlugField(max_length=40, unique=True)),
            ("name", models.CharField(max_length=60, verbose_name="団体名")),
            ("prefecture", models.CharField(blank=True, max_length=20, verbose_name="都道府県")),
            ("code", models.CharField(blank=True, max_length=6, verbose_name="団体コード"))]),
        migrations.CreateModel(name="Membership", fields=[
            key(),
            ("role", models.CharField(choices=ROLES, max_length=10, verbose_name="役割")),
            ("departments", models.ManyToManyField(blank=True, related_name="members", to="kouka.department")),
            ("user", models.OneToOneField(on_delete=CASCADE, related_name="membership", to=settings.AUTH_USER_MODEL)),
            belongs_to("municipality", "members")]),
        add("department", *belongs_to("municipality", "departments")),
        migrations.CreateModel(name="Cycle", options={"ordering": ("-fiscal_year",)}, fields=[
            key(),
            ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
            ("state", models.CharField(choices=STATES, default="draft", max_length=10, verbose_name="状態")),
            ("revision", models.PositiveIntegerField(default=0, verbose_name="公表版")),
            ("report", models.JSONField(default=dict)),
            ("updated", models.DateTimeField(auto_now=True)),
            belongs_to("municipality", "cycles")]),
        migrations.CreateModel(name="Change", options={"ordering": ("-at", "-id")}, fields=[
            key(),
            ("at", models.DateTimeField(auto_now_add=True)),
            ("action", models.CharField(max_length=40)),
            ("target", models.CharField(max_length=300)),
            ("before", models.JSONField(null=True)),
            ("after", models.JSONField(null=True)),
            ("user", person()),
            ("cycle", models.ForeignKey(blank=True, null=True, on_delete=CASCADE, related_name="changes",
                                        to="kouka.cycle")),
            belongs_to("municipality", "changes")]),
        migrations.CreateModel(name="ProjectRecord", options={"ordering": ("number",)}, fields=[
            key(),
            ("number", models.PositiveSmallIntegerField(verbose_name="事業番号")),
            ("title", models.CharField(max_length=300, verbose_name="事業名")),
            ("data", models.JSONField(default=dict)),
            ("version", models.PositiveIntegerField(default=1)),
            belongs_to("cycle", "projects"),
            ("departments", models.ManyToManyField(blank=True, related_name="projects", to="kouka.department"))]),
        migrations.CreateModel(name="KpiRecord", options={"ordering": ("number",)}, fields=[
            key(),
            ("number", models.PositiveSmallIntegerField(verbose_name="成果目標番号")),
            ("name", models.CharField(max_length=300, verbose_name="成果目標")),
            ("unit", models.CharField(max_length=20, verbose_name="単位")),
            ("data", models.JSONField(default=dict)),
            ("version", models.PositiveIntegerField(default=1)),
            belongs_to("projectrecord", "kpis", name="project")]),
        migrations.CreateModel(name="Comment", options={"ordering": ("created",)}, fields=[
            key(),
            ("text", models.TextField(max_length=4000, verbose_name="コメント")),
            ("created", models.DateTimeField(auto_now_add=True)),
            ("author", person()),
            belongs_to("projectrecord", "comments", name="project")]),
        migrations.CreateModel(name="Publication", options={"ordering": ("-revision",)}, fields=[
            key(),
            ("revision", models.PositiveIntegerField(verbose_name="版")),
            ("note", models.TextField(blank=True, max_length=2000, verbose_name="訂正内容")),
            ("document", models.JSONField()),
            ("published_at", models.DateTimeField(auto_now_add=True)),
            belongs_to("cycle", "publications"),
            ("published_by", person())]),
        unique("department", ("municipality", "name"), "department_unique_name"),
        unique("cycle", ("municipality", "fiscal_year"), "cycle_unique_year"),
        unique("projectrecord", ("cycle", "number"), "project_unique_number"),
        unique("kpirecord", ("project", "number"), "kpi_unique_number"),
        unique("publication", ("cycle", "revision"), "publication_unique_revision"),
    ]
