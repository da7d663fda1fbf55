from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from kouka.web.api import api
from kouka.web.forms import LoginForm
from kouka.web.views import carry, errors, imports, language, parts, people, public, publish, review, staff, stats

app_name = "kouka"

# One revision of a year's publication: /m/<slug>/<year>/r/<digest>/….
revision_patterns = [
    path("", public.revision_view, name="revision"),
    path("export/<str:fmt>/", public.revision_export_view, name="revision_export"),
    path("fragment.html", public.revision_fragment_view, name="revision_fragment"),
]

kouka_patterns: list[URLPattern | URLResolver] = [
    path("", public.index, name="index"),
    path("search/", public.search, name="search"),
    path("publication.css", public.publication_css, name="publication_css"),
    path("m/<slug:slug>/", public.municipality_view, name="municipality"),
    path("m/<slug:slug>/<int:year>/", public.report_view, name="report"),
    path("m/<slug:slug>/<int:year>/kpi/<int:project>/<int:kpi>/", public.kpi_view, name="kpi"),
    path("m/<slug:slug>/<int:year>/export/<str:fmt>/", public.export_view, name="export"),
    path("m/<slug:slug>/<int:year>/r/<str:digest>/", include(revision_patterns)),
    path("m/<slug:slug>/<int:year>/datapackage.json", public.datapackage_view, name="datapackage"),
    path("catalog.json", public.catalog_view, name="catalog"),
    path("stats/", stats.national, name="stats"),
    path("stats/sources/", stats.sources_view, name="stats_sources"),
    path("stats/m/<slug:slug>/", stats.municipality_view, name="stats_municipality"),
    path("stats/<str:prefecture>/", stats.prefecture_view, name="stats_prefecture"),
    path("staff/", staff.dashboard, name="dashboard"),
    path("staff/departments/", staff.departments, name="departments"),
    path("staff/people/", people.people, name="people"),
    path("staff/people/new/", people.person_new, name="person_new"),
    path("staff/people/<int:pk>/", people.person_edit, name="person"),
    path("staff/people/<int:pk>/password/", people.person_password, name="person_password"),
    path("staff/people/<int:pk>/active/", people.person_active, name="person_active"),
    path("staff/people/<int:pk>/unlock/", people.person_unlock, name="person_unlock"),
    path("staff/tokens/", people.tokens, name="tokens"),
    path("staff/tokens/<int:pk>/revoke/", people.token_revoke_view, name="token_revoke"),
    path("staff/history/", people.municipality_history, name="municipality_history"),
    path("staff/me/", people.me, name="me"),
    path("staff/import/", imports.upload, name="import"),
    path("staff/import/confirm/", imports.confirm, name="import_confirm"),
    path("staff/tasks/<int:pk>/", imports.task_view, name="task"),
    path("staff/tasks/<int:pk>/status/", imports.task_status, name="task_status"),
    path("staff/tasks/<int:pk>/confirm/", imports.workbook_confirm, name="workbook_confirm"),
    path("staff/tasks/<int:pk>/cancel/", imports.workbook_cancel_view, name="workbook_cancel"),
    path("staff/changes/<int:pk>/", staff.change_detail, name="change"),
    path("staff/<int:year>/", staff.cycle_view, name="cycle"),
    path("staff/<int:year>/history/", staff.history_view, name="history"),
    path("staff/<int:year>/workbook/", imports.workbook, name="workbook"),
    path("staff/<int:year>/workbook/download/", imports.workbook_download, name="workbook_download"),
    path("staff/<int:year>/board/", parts.board, name="board"),
    path("staff/<int:year>/carry/", carry.carry, name="carry"),
    path("staff/<int:year>/deadlines/", parts.deadlines, name="deadlines"),
    path("staff/<int:year>/publish/", publish.publish_gate, name="publish"),
    path("staff/<int:year>/parts/<int:department>/<str:name>/", parts.part_action, name="part_action"),
    path("staff/<int:year>/report/", staff.report_edit, name="report_edit"),
    path("staff/<int:year>/export/<str:fmt>/", staff.staff_export, name="staff_export"),
    path("staff/<int:year>/transition/<str:name>/", staff.transition, name="transition"),
    path("staff/<int:year>/projects/new/", staff.project_new, name="project_new"),
    path("staff/<int:year>/projects/<int:number>/", staff.project_edit, name="project"),
    path("staff/<int:year>/projects/<int:number>/comments/", staff.comment_add, name="comment"),
    path("staff/<int:year>/projects/<int:number>/photos/", staff.photo_add_view, name="photo_add"),
    path("staff/<int:year>/projects/<int:number>/photos/<int:index>/remove/", staff.photo_remove_view,
         name="photo_remove"),
    path("staff/<int:year>/projects/<int:number>/review/", review.review_edit, name="review"),
    path("staff/<int:year>/projects/<int:number>/kpis/new/", staff.kpi_edit, name="kpi_new"),
    path("staff/<int:year>/projects/<int:number>/kpis/<int:kpi>/", staff.kpi_edit, name="kpi_edit"),
]

urlpatterns = [
    path("", include((kouka_patterns, "kouka"))),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="kouka/login.html",
                                                                   authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", people.PasswordChange.as_view(), name="password_change"),
    path("i18n/<str:code>/", language.switch, name="language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# The site's own error pages (kouka.web.views.errors); Django uses them when DEBUG is off.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
