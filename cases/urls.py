"""Web pages of the cases app."""

from django.urls import path

from .views import citizen, grid_today, pages

app_name = "cases"
urlpatterns: list = [
    path("cases/", pages.case_list, name="list"),
    path("cases/mine/", pages.my_cases, name="mine"),
    path("cases/new/", pages.case_new, name="new"),
    path("cases/new/duplicates/", pages.duplicates, name="duplicates"),
    path("cases/<int:pk>/", pages.case_detail, name="detail"),
    path("cases/<int:pk>/act/<slug:action>/", pages.case_act, name="act"),
    path("today/", grid_today.grid_today, name="today"),
    path("residents/diary/<int:pk>/case/", grid_today.case_from_diary, name="from-diary"),
    path("report/", citizen.report, name="report"),
    path("track/", citizen.track_find, name="track-find"),
    path("track/<str:token>/", citizen.track, name="track"),
]
