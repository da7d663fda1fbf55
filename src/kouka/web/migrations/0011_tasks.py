"""UploadTask: an uploaded file kept until the task queue has read it and someone confirms or cancels it."""

from django.db import migrations, models

from kouka.web.migrations.shapes import after, belongs_to, key

KINDS = [("report", "公表資料・データの取込"), ("workbook", "記入シートの取込")]
STATES = [("queued", "順番待ち"), ("running", "読み込み中"), ("done", "読み込み完了"), ("failed", "読み込めませんでした")]


class Migration(migrations.Migration):
    dependencies = [after("0009_cycle")]
    operations = [migrations.CreateModel(name="UploadTask", options={"ordering": ("-created", "-id")}, fields=[
        key(),
        ("kind", models.CharField(choices=KINDS, max_length=10, verbose_name="種類")),
        ("fiscal_year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="年度")),
        ("department", models.CharField(blank=True, max_length=60, verbose_name="課名")),
        ("filename", models.CharField(max_length=255, verbose_name="ファイル名")),
        ("language", models.CharField(blank=True, max_length=10, verbose_name="言語")),
        ("data", models.BinaryField()),
        ("digest", models.CharField(max_length=64)),
        ("state", models.CharField(choices=STATES, default="queued", max_length=10, verbose_name="状態")),
        ("message", models.TextField(blank=True)),
        ("result", models.JSONField(blank=True, null=True)),
        ("created", models.DateTimeField(auto_now_add=True)),
        ("finished", models.DateTimeField(blank=True, null=True)),
        belongs_to("membership", "upload_tasks", name="member"),
    ])]
