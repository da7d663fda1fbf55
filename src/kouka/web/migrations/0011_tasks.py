import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("kouka", "0009_cycle"),
    ]

    operations = [
        migrations.CreateModel(
            name="UploadTask",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("report", "公表資料・データの取込"), ("workbook", "記入シートの取込")],
                                          max_length=10, verbose_name="種類")),
                ("fiscal_year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="年度")),
                ("department", models.CharField(blank=True, max_length=60, verbose_name="課名")),
                ("filename", models.CharField(max_length=255, verbose_name="ファイル名")),
                ("language", models.CharField(blank=True, max_length=10, verbose_name="言語")),
                ("data", models.BinaryField()),
                ("digest", models.CharField(max_length=64)),
                ("state", models.CharField(choices=[("queued", "順番待ち"), ("running", "読み込み中"),
                                                    ("done", "読み込み完了"), ("failed", "読み込めませんでした")],
                                           default="queued", max_length=10, verbose_name="状態")),
                ("message", models.TextField(blank=True)),
                ("result", models.JSONField(blank=True, null=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                ("member", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="upload_tasks",
                                             to="kouka.membership")),
            ],
            options={"ordering": ("-created", "-id")},
        ),
    ]
