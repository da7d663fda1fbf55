from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kouka.web.api import api
from kouka.web.forms import LoginForm
from kouka.web.views import imports, public, staff, stats

app_name = "kouka"

kouka_patterns = [
    path("", public.index, name="index"),
    path("search/", public.search, name="search"),
    path("publication.css", public.publication_css, name="publication_css"),
    path("m/<slug:slug>/", public.municipality_view, name="municipality"),
    path("m/<slug:slug>/<int:year>/", public.report_view, name="report"),
    path("m/<slug:slug>/<int:year>/kpi/<int:project>/<int:kpi>/", public.kpi_view, name="kpi"),
    path("m/<slug:slug>/<int:year>/export/<str:fmt>/", public.export_view, name="export"),
    path("stats/", stats.national, name="stats"),
    path("stats/sources/", stats.sources_view, name="stats_sources"),
    path("stats/m/<slug:slug>/", stats.municipality_view, name="stats_municipality"),
    path("stats/<str:prefecture>/", stats.prefecture_view, name="stats_prefecture"),
    path("staff/", staff.dashboard, name="dashboard"),
    path("staff/departments/", staff.departments, name="departments"),
    path("staff/import/", imports.upload, name="import"),
    path("staff/import/confirm/", imports.confirm, name="import_confirm"),
    path("staff/changes/<int:pk>/", staff.change_detail, name="change"),
    path("staff/<int:year>/", staff.cycle_view, name="cycle"),
    path("staff/<int:year>/history/", staff.history_view, name="history"),
    path("staff/<int:year>/report/", staff.report_edit, name="report_edit"),
    path("staff/<int:year>/export/<str:fmt>/", staff.staff_export, name="staff_export"),
    path("staff/<int:year>/transition/<str:name>/", staff.transition, name="transition"),
    path("staff/<int:year>/projects/new/", staff.project_new, name="project_new"),
    path("staff/<int:year>/projects/<int:number>/", staff.project_edit, name="project"),
    path("staff/<int:year>/projects/<int:number>/comments/", staff.comment_add, name="comment"),
    path("staff/<int:year>/projects/<int:number>/kpis/new/", staff.kpi_edit, name="kpi_new"),
    path("staff/<int:year>/projects/<int:number>/kpis/<int:kpi>/", staff.kpi_edit, name="kpi_edit"),
]

urlpatterns = [
    path("", include((kouka_patterns, "kouka"))),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="kouka/login.html",
                                                                   authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
