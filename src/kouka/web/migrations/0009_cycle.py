"""The year's cycle: the planning division's deadlines, each department's part (submitted, returned with a
reason, confirmed) and the notices sent. Written compactly with the pieces of ``shapes``
(tests/test_web_migrations.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import CASCADE

from kouka.web.migrations.shapes import add, after, belongs_to, key

PART_STATES = [("open", "作成中"), ("submitted", "提出済み"), ("returned", "差し戻し"), ("confirmed", "確認済み")]
DEADLINES = (("publish_date", "公表予定日"), ("review_deadline", "確認期限"), ("submit_deadline", "提出期限"))


def day(label: str) -> models.DateField[Any, Any]:
    return models.DateField(blank=True, null=True, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [after("0008_search"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        *(add("cycle", name, day(label)) for name, label in DEADLINES),
        migrations.CreateModel(name="DepartmentPart", fields=[
            key(),
            ("state", models.CharField(choices=PART_STATES, default="open", max_length=10, verbose_name="状態")),
            ("reason", models.TextField(blank=True, max_length=2000, verbose_name="差し戻しの理由")),
            ("updated", models.DateTimeField(auto_now=True)),
            ("version", models.PositiveIntegerField(default=1)),
            belongs_to("cycle", "parts"),
            belongs_to("department", "parts"),
        ], options={"ordering": ("department__name",), "constraints": [
            models.UniqueConstraint(fields=("cycle", "department"), name="part_unique_department")]}),
        migrations.CreateModel(name="Notice", fields=[
            key(),
            ("event", models.CharField(max_length=120, verbose_name="出来事")),
            ("sent", models.DateTimeField(auto_now_add=True)),
            belongs_to("cycle", "notices"),
            ("recipient", models.ForeignKey(on_delete=CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
        ], options={"constraints": [
            models.UniqueConstraint(fields=("event", "recipient"), name="notice_unique_event")]}),
    ]
