"""The leadership app's routes: its pages, the facilitators' review, and the API."""

from django.urls import include, path

from leadership import care_pages, pages, review_pages, views

api = [
    path("", views.state, name="api-leadership"),
    path("apply/", views.apply, name="api-leadership-apply"),
    path("withdraw/", views.withdraw, name="api-leadership-withdraw"),
    path("shift/", views.shift, name="api-leadership-shift"),
    path("course/<slug:slug>/", views.course_answers, name="api-leadership-course"),
    path("shadow/", views.shadow, name="api-leadership-shadow"),
    path("applications/", views.applications, name="api-leadership-applications"),
    path(
        "applications/<int:application_id>/decision/",
        views.decide,
        name="api-leadership-decide",
    ),
    path("chats/<int:chat_id>/step-away/", views.step_away, name="api-leadership-step-away"),
    path("chats/<int:chat_id>/thanks/", views.thanks, name="api-leadership-thanks"),
    path("chats/<int:chat_id>/debrief/", views.debrief, name="api-leadership-debrief"),
]

urlpatterns = [
    path("leadership/", pages.home, name="leadership-home"),
    path("leadership/course/<slug:slug>/", pages.module, name="leadership-module"),
    path("leadership/shadow/", pages.shadow, name="leadership-shadow"),
    path("leadership/password/<str:token>/", care_pages.password, name="leadership-password"),
    path(
        "leadership/chats/<int:chat_id>/step-away/",
        care_pages.step_away,
        name="leadership-step-away",
    ),
    path("leadership/debrief/<int:chat_id>/", care_pages.debrief, name="leadership-debrief"),
    path("leadership/thanks/<int:chat_id>/", care_pages.thanks, name="leadership-thanks"),
    path("facilitators/applications/", review_pages.applications, name="leadership-applications"),
    path(
        "facilitators/applications/<int:application_id>/",
        review_pages.application,
        name="leadership-application",
    ),
    path("api/leadership/", include(api)),
]
