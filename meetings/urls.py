"""The meetings app's routes: the page, the calendar files and the API."""

from django.urls import path

from meetings import pages, views

urlpatterns = [
    path("meetings/", pages.meetings_page, name="meetings"),
    path("meetings/calendar.ics", pages.all_ics, name="meetings-ics"),
    path("meetings/<int:meeting_id>.ics", pages.meeting_ics, name="meeting-ics"),
    path("api/meetings/", views.meetings, name="api-meetings"),
    path("api/meetings/attended/", views.my_attendance, name="api-meetings-attended"),
    path("api/meetings/rooms/<slug:slug>/", views.room_now, name="api-meetings-room"),
    path("api/meetings/<int:meeting_id>/remind/", views.remind, name="api-meeting-remind"),
    path("api/meetings/<int:meeting_id>/remove/", views.meeting_remove, name="api-meeting-remove"),
    path(
        "api/meetings/sessions/<int:session_id>/<slug:action>/",
        views.session_action,
        name="api-meeting-session",
    ),
]
