"""KpiFact: one row per KPI (and one per project) of every cycle's latest publication, for the national
statistics. Written compactly with the pieces of ``shapes`` (tests/test_web_migrations.py)."""

from __future__ import annotations

from django.db import migrations, models

from kouka.web.migrations.shapes import after, belongs_to, indexes, key


def text(length: int, label: str, blank: bool = False) -> models.CharField[str, str]:
    return models.CharField(blank=True, max_length=length, verbose_name=label) if blank else models.CharField(
        max_length=length, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [after("0002_cycle_version")]
    operations = [migrations.CreateModel(name="KpiFact", fields=[
        key(),
        ("prefecture", text(20, "都道府県")),
        ("body_code", text(6, "団体コード")),
        ("body_name", text(60, "団体名")),
        ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
        ("project_number", models.PositiveSmallIntegerField(verbose_name="事業番号")),
        ("project_key", text(200, "事業の識別子")),
        ("project_title", text(300, "事業名")),
        ("kind", text(10, "事業の種類")),
        ("wide_key", text(400, "広域連携事業の識別子", blank=True)),
        ("is_lead", models.BooleanField(default=True, verbose_name="主体")),
        ("counted", models.BooleanField(default=True, verbose_name="集計に含む")),
        ("project_row", models.BooleanField(default=False, verbose_name="事業の代表行")),
        ("cost_yen", models.BigIntegerField(null=True, verbose_name="事業費（円）")),
        ("grant_yen", models.BigIntegerField(null=True, verbose_name="交付金充当額（円）")),
        ("kpi_number", models.PositiveSmallIntegerField(null=True, verbose_name="成果目標番号")),
        ("kpi_key", text(200, "成果目標の識別子", blank=True)),
        ("kpi_name", text(300, "成果目標", blank=True)),
        ("unit", text(40, "単位", blank=True)),
        ("unit_group", text(40, "単位の区分", blank=True)),
        ("judgement", text(14, "判定", blank=True)),
        ("preliminary", models.BooleanField(default=False, verbose_name="速報値")),
        belongs_to("cycle", "facts"),
        belongs_to("municipality", "facts"),
    ], options={"indexes": indexes(
        ("fact_year_pref", ["fiscal_year", "prefecture"]), ("fact_pref_year", ["prefecture", "fiscal_year"]),
        ("fact_body_year", ["municipality", "fiscal_year"]), ("fact_unit_year", ["unit_group", "fiscal_year"]),
        ("fact_kind_year", ["kind", "fiscal_year"]), ("fact_wide", ["wide_key", "fiscal_year"]),
        ("fact_cycle", ["cycle"]))})]
