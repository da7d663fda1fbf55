"""A cycle's version, compared on every save so that two people's edits never overwrite each other."""

from django.db import migrations, models

from kouka.web.migrations.shapes import add, after


class Migration(migrations.Migration):
    dependencies = [after("0001_initial")]
    operations = [add("cycle", "version", models.PositiveIntegerField(default=1))]
