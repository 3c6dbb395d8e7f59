"""The members app's routes: joining, the session API, the inbox and the staff sign-in."""

from django.urls import include, path

from community import account_views, inbox_views, language_views, pages, views

session_api = [
    path("", views.session, name="api-session"),
    path("recover/", views.session_recover, name="api-session-recover"),
    path("logout/", views.session_logout, name="api-session-logout"),
    path("delete/", views.session_delete, name="api-session-delete"),
]

me_api = [
    path("", account_views.my_settings, name="api-me"),
    path("sign-out-everywhere/", account_views.sign_out_everywhere, name="api-me-sign-out"),
    path("recovery/", account_views.new_recovery_phrase, name="api-me-recovery"),
]

urlpatterns = [
    path("join/", pages.join, name="join"),
    path("api/session/", include(session_api)),
    path("me/", pages.me, name="me"),
    path("language/", language_views.set_language, name="set-language"),
    path("api/me/", include(me_api)),
    path("api/push/", account_views.push_subscription, name="api-push"),
    path("api/inbox/", inbox_views.inbox_list, name="api-inbox"),
    path("api/inbox/read/", inbox_views.inbox_read, name="api-inbox-read"),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator-login"),
]
