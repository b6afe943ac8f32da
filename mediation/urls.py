"""Web pages of the mediation app under /mediation/."""

from django.urls import path

from . import views

app_name = "mediation"
urlpatterns: list = [
    path("mediation/", views.dispute_list, name="list"),
    path("mediation/new/", views.dispute_new, name="new"),
    path("mediation/figures/", views.figures_page, name="figures"),
    path("mediation/figures/export.csv", views.figures_export, {"fmt": "csv"}, name="figures-csv"),
    path("mediation/figures/export.xlsx", views.figures_export, {"fmt": "xlsx"}, name="figures-xlsx"),
    path("mediation/<int:pk>/", views.dispute_detail, name="detail"),
    path("mediation/<int:pk>/<slug:action>/", views.dispute_act, name="act"),
]
