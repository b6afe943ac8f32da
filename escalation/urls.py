"""Web pages of the escalation app."""

from django.urls import path

from .views import inbox, notices

app_name = "escalation"
urlpatterns = [
    path("notices/", notices.notice_list, name="notices"),
    path("notices/badge/", notices.notice_badge, name="notices-badge"),
    path("notices/read-all/", notices.notice_read_all, name="notices-read-all"),
    path("notices/<int:pk>/read/", notices.notice_read, name="notice-read"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/summons/<int:pk>/", inbox.summons_detail, name="summons"),
    path("inbox/summons/<int:pk>/<slug:action>/", inbox.summons_act, name="summons-act"),
    path("cases/<int:pk>/whistle/", inbox.whistle_form, name="whistle"),
]
