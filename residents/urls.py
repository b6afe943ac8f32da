"""Pages of the residents app (under /residents/)."""

from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("residents/", views.resident_list, name="list"),
    path("residents/people/new/", views.resident_edit, name="new"),
    path("residents/people/<int:pk>/", views.resident_detail, name="detail"),
    path("residents/people/<int:pk>/edit/", views.resident_edit, name="edit"),
    path("residents/people/<int:pk>/reveal/", views.resident_reveal, name="reveal"),
    path("residents/people/<int:pk>/tags/", views.resident_tag, name="tag"),
    path("residents/people/<int:pk>/moved-away/", views.resident_move_away, name="moved-away"),
    path("residents/buildings/", views.building_list, name="buildings"),
    path("residents/buildings/<int:pk>/", views.building_map, name="building"),
    path("residents/houses/<int:pk>/", views.house_detail, name="house"),
    path("residents/plans/", views.plan_list, name="plans"),
    path("residents/visits/new/", views.visit_new, name="visit-new"),
    path("residents/diary/", views.diary_list, name="diary"),
    path("residents/diary/new/", views.diary_new, name="diary-new"),
    path("residents/diary/<int:pk>/", views.diary_detail, name="diary-detail"),
    path("residents/statistics/", views.stats_page, name="stats"),
    path("residents/export.<str:fmt>", views.export, name="export"),
    path("residents/import/", views.import_page, name="import"),
    path("residents/import/<int:pk>/", views.import_job_page, name="import-job"),
]
