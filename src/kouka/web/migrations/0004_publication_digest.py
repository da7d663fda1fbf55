"""A publication's SHA-256 of its document's canonical JSON (a bulk load skips what is already stored)."""

from django.db import migrations, models

from kouka.web.migrations.shapes import add, after


class Migration(migrations.Migration):
    dependencies = [after("0003_kpi_fact")]
    operations = [add("publication", "digest",
                      models.CharField(blank=True, default="", max_length=64, verbose_name="内容のハッシュ"))]
