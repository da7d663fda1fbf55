"""What the import form supplied with an uploaded file (its fiscal year, municipality, prefecture)."""

from django.db import migrations, models

from kouka.web.migrations.shapes import add, after


class Migration(migrations.Migration):
    dependencies = [after("0011_tasks")]
    operations = [add("uploadtask", "supplied", models.JSONField(blank=True, default=dict, verbose_name="取込時の指定"))]
