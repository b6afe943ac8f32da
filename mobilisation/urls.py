"""Web pages of the mobilisation app: staff and members under /party/, residents' pages at /wishes/ and /yishi/."""

from django.urls import path

from .views import pages, public

app_name = "mobilisation"
urlpatterns: list = [
    path("party/", pages.hub, name="hub"),
    path("party/register/", pages.register, name="register"),
    path("party/registrations/", pages.registrations, name="registrations"),
    path("party/registrations/<int:pk>/<slug:verdict>/", pages.registration_decide, name="registration-decide"),
    path("party/registrations/<int:pk>/withdraw", pages.registration_withdraw, name="registration-withdraw"),
    path("party/tasks/", pages.tasks, name="tasks"),
    path("party/tasks/new/", pages.task_new, name="task-new"),
    path("party/tasks/<int:pk>/", pages.task_detail, name="task"),
    path("party/tasks/<int:pk>/<slug:action>/", pages.task_act, name="task-act"),
    path("party/points/", pages.points, name="points"),
    path("party/points/export.csv", pages.points_export, name="points-export"),
    path("party/points/export.xlsx", pages.points_export, {"fmt": "xlsx"}, name="points-export-xlsx"),
    path("party/points/member/<int:pk>/", pages.member_points, name="member-points"),
    path("party/wishes/", pages.wishes, name="wishes"),
    path("party/wishes/new/", pages.wish_new, name="wish-new"),
    path("party/wishes/<int:pk>/", pages.wish_detail, name="wish"),
    path("party/wishes/<int:pk>/<slug:action>/", pages.wish_act, name="wish-act"),
    path("party/duties/", pages.duties, name="duties"),
    path("party/appraisals/<int:pk>/", pages.appraisal, name="appraisal"),
    path("party/tricolour/", pages.tricolour, name="tricolour"),
    path("party/tricolour/<int:pk>/adjust/", pages.tricolour_adjust, name="tricolour-adjust"),
    path("party/topics/", pages.topics, name="topics"),
    path("party/topics/<int:pk>/", pages.topic_detail, name="topic"),
    path("party/unit/", pages.unit_home, name="unit"),
    path("party/unit/password/", pages.UnitPasswordChange.as_view(), name="unit-password"),
    path("party/units/", pages.units, name="units"),
    path("party/units/accounts/<int:pk>/end/", pages.unit_account_end, name="unit-account-end"),
]

#: Residents' pages (no account), outside the app namespace so their paths stay short.
public_urlpatterns: list = [
    path("wishes/", public.public_wishes, name="wishes-public"),
    path("wishes/new/", public.public_wish_new, name="wish-public-new"),
    path("wishes/t/<str:token>/", public.wish_track, name="wish-track"),
    path("yishi/", public.public_topics, name="topics-public"),
]
