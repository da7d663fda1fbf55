from django.contrib import admin

from kouka.web.models import Change, Comment, Cycle, Department, KpiRecord, Membership, Municipality, ProjectRecord

for model in (Municipality, Department, Membership, Cycle, ProjectRecord, KpiRecord, Comment):
    admin.site.register(model)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user", "action", "target")
    readonly_fields = ("municipality", "cycle", "user", "at", "action", "target", "before", "after")
