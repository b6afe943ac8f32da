"""Web pages of the escalation app."""

from django.urls import path

from .views import access_log, inbox, notices
from .views import dashboard as dashboard_views

app_name = "escalation"
urlpatterns = [
    path("access-log/", access_log.access_log_page, name="access-log"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/badge/", notices.notice_badge, name="notices-badge"),
    path("notices/read-all/", notices.notice_read_all, name="notices-read-all"),
    path("notices/<int:pk>/read/", notices.notice_read, name="notice-read"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/summons/<int:pk>/", inbox.summons_detail, name="summons"),
    path("inbox/summons/<int:pk>/<slug:action>/", inbox.summons_act, name="summons-act"),
    path("cases/<int:pk>/whistle/", inbox.whistle_form, name="whistle"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/counters/", dashboard_views.dashboard_counters, name="dashboard-counters"),
    path("dashboard/whistles/", dashboard_views.dashboard_whistles, name="dashboard-whistles"),
    path("dashboard/map/", dashboard_views.dashboard_map, name="dashboard-map"),
    path("dashboard/bulk/", dashboard_views.dashboard_bulk, name="dashboard-bulk"),
    path("dashboard/export.<str:fmt>", dashboard_views.dashboard_export, name="dashboard-export"),
]
