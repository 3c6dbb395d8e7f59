"""The members app's routes: joining, the session API and the staff sign-in."""

from django.urls import include, path

from community import pages, views

session_api = [
    path("", views.session, name="api-session"),
    path("recover/", views.session_recover, name="api-session-recover"),
    path("logout/", views.session_logout, name="api-session-logout"),
    path("delete/", views.session_delete, name="api-session-delete"),
]

urlpatterns = [
    path("join/", pages.join, name="join"),
    path("api/session/", include(session_api)),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator-login"),
]
