"""The pieces the migrations repeat, written once (a package: the migration loader reads modules only).

Each call returns new objects, as Django wants a field instance per model. A migration that has been applied
never changes what it does: tests/test_web_migrations.py compares every migration's operations and SQL with
what was recorded when it was written, so a change here that alters a shipped migration fails there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models.deletion import CASCADE, SET_NULL

APP = "kouka"


def after(name: str) -> tuple[str, str]:
    """A dependency on this app's migration ``name``."""
    return APP, name


def key() -> tuple[str, models.BigAutoField[Any, Any]]:
    """The ``id`` column every model has."""
    return "id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


def belongs_to(model: str, related_name: str, name: str = "") -> tuple[str, models.ForeignKey[Any, Any]]:
    """A required link to ``model`` (lower case) that is deleted with it, named after it unless ``name`` says."""
    return name or model, models.ForeignKey(on_delete=CASCADE, related_name=related_name, to=f"{APP}.{model}")


def person(**options: Any) -> models.ForeignKey[Any, Any]:
    """A link to who did something, kept (empty) when that account is deleted."""
    return models.ForeignKey(null=True, on_delete=SET_NULL, to=settings.AUTH_USER_MODEL, **options)


def add(model: str, name: str, field: models.Field[Any, Any]) -> migrations.AddField:
    return migrations.AddField(model_name=model, name=name, field=field)


def unique(model: str, fields: tuple[str, ...], name: str) -> migrations.AddConstraint:
    return migrations.AddConstraint(model_name=model, constraint=models.UniqueConstraint(fields=fields, name=name))


def indexes(*named: tuple[str, list[str]]) -> list[models.Index]:
    """``models.Index`` by (name, fields)."""
    return [models.Index(fields=fields, name=name) for name, fields in named]
