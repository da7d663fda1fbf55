"""People: a member's display name, a forced password change and the form's version; API tokens. Written
compactly with the pieces of ``shapes`` (tests/test_web_migrations.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import SET_NULL

from kouka.web.migrations.shapes import add, after, belongs_to, key, person

SCOPES = [("read", "公表データの読み取り"), ("write", "担当課の実績値・まとめの入力")]


def moment(label: str) -> models.DateTimeField[Any, Any]:
    return models.DateTimeField(blank=True, null=True, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [after("0005_rollups"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        add("membership", "display_name", models.CharField(blank=True, max_length=60, verbose_name="表示名")),
        add("membership", "must_change_password", models.BooleanField(default=False, verbose_name="パスワードの変更が必要")),
        add("membership", "version", models.PositiveIntegerField(default=1)),
        migrations.CreateModel(name="ApiToken", options={"ordering": ("-created", "-id")}, fields=[
            key(),
            ("name", models.CharField(max_length=100, verbose_name="名前")),
            ("scope", models.CharField(choices=SCOPES, max_length=10, verbose_name="範囲")),
            ("digest", models.CharField(max_length=64, unique=True)),
            ("prefix", models.CharField(max_length=16, verbose_name="先頭の文字")),
            ("created", models.DateTimeField(auto_now_add=True)),
            ("expires", moment("有効期限")),
            ("revoked", moment("取消日時")),
            ("last_used", moment("最終使用日時")),
            ("uses", models.PositiveIntegerField(default=0, verbose_name="使用回数")),
            ("created_by", person(related_name="+")),
            ("department", models.ForeignKey(blank=True, null=True, on_delete=SET_NULL, related_name="api_tokens",
                                             to="kouka.department")),
            ("member", models.OneToOneField(blank=True, null=True, on_delete=SET_NULL, related_name="api_token",
                                            to="kouka.membership")),
            belongs_to("municipality", "api_tokens"),
        ]),
    ]
