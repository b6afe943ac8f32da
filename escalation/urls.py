"""Web pages of the escalation app."""

from django.urls import path

from .views import notices

app_name = "escalation"
urlpatterns = [
    path("notices/", notices.notice_list, name="notices"),
    path("notices/badge/", notices.notice_badge, name="notices-badge"),
    path("notices/read-all/", notices.notice_read_all, name="notices-read-all"),
    path("notices/<int:pk>/read/", notices.notice_read, name="notice-read"),
]
