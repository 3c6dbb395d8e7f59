"""The members app's routes: joining, the session API, the inbox and the staff sign-in."""

from django.urls import path

from community import inbox_views, pages, views

urlpatterns = [
    path("join/", pages.join, name="join"),
    path("api/session/", views.session, name="api-session"),
    path("api/session/recover/", views.session_recover, name="api-session-recover"),
    path("api/session/logout/", views.session_logout, name="api-session-logout"),
    path("api/session/delete/", views.session_delete, name="api-session-delete"),
    path("api/inbox/", inbox_views.inbox_list, name="api-inbox"),
    path("api/inbox/read/", inbox_views.inbox_read, name="api-inbox-read"),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator-login"),
]
