from django.contrib import admin
from django.urls import include, path

from community import health, pages, views
from rooms import views as room_views

urlpatterns = [
    path("", include("community.page_urls")),
    path("healthz", health.healthz, name="healthz"),
    path("api/session/", views.session, name="api-session"),
    path("api/session/recover/", views.session_recover, name="api-session-recover"),
    path("api/session/logout/", views.session_logout, name="api-session-logout"),
    path("api/presence/", pages.presence, name="api-presence"),
    path("api/presence/me/", room_views.my_status, name="api-my-status"),
    path("api/rooms/", room_views.room_list, name="api-rooms"),
    path("api/rooms/<slug:slug>/messages/", room_views.room_messages, name="api-room-messages"),
    path("api/blocks/", room_views.block, name="api-block"),
    path("api/blocks/remove/", room_views.unblock, name="api-unblock"),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator-login"),
    path("admin/", admin.site.urls),
]
