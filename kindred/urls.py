from django.contrib import admin
from django.urls import include, path

from community import pages, views
from kindred import health
from moderation import views as moderation_views
from realtime import metrics
from rooms import chat_views
from rooms import views as room_views

urlpatterns = [
    path("", include("community.page_urls")),
    path("healthz", health.healthz, name="healthz"),
    path("metrics/", metrics.metrics, name="metrics"),
    path("api/session/", views.session, name="api-session"),
    path("api/session/recover/", views.session_recover, name="api-session-recover"),
    path("api/session/logout/", views.session_logout, name="api-session-logout"),
    path("api/session/delete/", views.session_delete, name="api-session-delete"),
    path("api/presence/", pages.presence, name="api-presence"),
    path("api/presence/me/", room_views.my_status, name="api-my-status"),
    path("api/rooms/", room_views.room_list, name="api-rooms"),
    path("api/rooms/<slug:slug>/messages/", room_views.room_messages, name="api-room-messages"),
    path("api/blocks/", room_views.block, name="api-block"),
    path("api/blocks/remove/", room_views.unblock, name="api-unblock"),
    path("api/chats/", chat_views.chat_list, name="api-chats"),
    path("api/chats/<int:chat_id>/accept/", chat_views.chat_accept, name="api-chat-accept"),
    path("api/chats/<int:chat_id>/decline/", chat_views.chat_decline, name="api-chat-decline"),
    path("api/chats/<int:chat_id>/leave/", chat_views.chat_leave, name="api-chat-leave"),
    path("api/chats/<int:chat_id>/block/", chat_views.chat_block, name="api-chat-block"),
    path("api/dropin/", chat_views.dropin_line, name="api-dropin"),
    path("api/dropin/line/", chat_views.dropin_waiting, name="api-dropin-line"),
    path("api/dropin/<int:request_id>/accept/", chat_views.dropin_accept, name="api-dropin-accept"),
    path("api/reports/", moderation_views.report, name="api-reports"),
    path("api/moderation/queue/", moderation_views.queue, name="api-mod-queue"),
    path("api/moderation/audit/", moderation_views.audit, name="api-mod-audit"),
    path(
        "api/moderation/items/<int:item_id>/context/",
        moderation_views.context,
        name="api-mod-context",
    ),
    path("api/moderation/actions/<slug:name>/", moderation_views.action, name="api-mod-action"),
    path("facilitators/login/", views.FacilitatorLoginView.as_view(), name="facilitator-login"),
    path("admin/", admin.site.urls),
]
