"""The statistics' rollups: a prefecture's (AreaRollup) and a municipality's (BodyRollup) counts per year, kind
and unit group, and how far the facts have been rolled up (RollupState). Written compactly with the pieces of
``shapes`` (tests/test_web_migrations.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from kouka.web.migrations.shapes import after, belongs_to, indexes, key

COUNTS = ("reports", "reports_any", "projects", "wide_area_projects", "cost_yen", "grant_yen", "met", "not_met",
          "pending", "not_judgeable", "preliminary")


def counted() -> list[tuple[str, models.Field[Any, Any]]]:
    """The columns both rollups have: what is counted, then the counts (yen in 64 bits), then the prefecture."""
    return [
        ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
        ("kind", models.CharField(max_length=10, verbose_name="事業の種類")),
        ("unit_group", models.CharField(blank=True, max_length=40, verbose_name="単位の区分")),
        *((name, (models.BigIntegerField if name.endswith("_yen") else models.IntegerField)(default=0))
          for name in COUNTS),
        ("prefecture", models.CharField(max_length=20, verbose_name="都道府県")),
    ]


class Migration(migrations.Migration):
    dependencies = [after("0004_publication_digest")]
    operations = [
        migrations.CreateModel(name="RollupState", fields=[
            key(), *((name, models.BigIntegerField(default=0)) for name in ("max_fact_id", "fact_count"))]),
        migrations.CreateModel(name="AreaRollup", fields=[key(), *counted()], options={"indexes": indexes(
            ("area_unit_year", ["unit_group", "fiscal_year"]), ("area_pref_year", ["prefecture", "fiscal_year"]))}),
        migrations.CreateModel(name="BodyRollup", fields=[
            key(), *counted(),
            ("body_code", models.CharField(max_length=6, verbose_name="団体コード")),
            ("body_name", models.CharField(max_length=60, verbose_name="団体名")),
            belongs_to("municipality", "rollups"),
        ], options={"indexes": indexes(
            ("body_unit_year", ["unit_group", "fiscal_year"]), ("body_body_year", ["municipality", "fiscal_year"]),
            ("body_pref_year", ["prefecture", "fiscal_year"]))}),
    ]
