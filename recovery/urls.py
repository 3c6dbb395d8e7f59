"""Recovery's routes: the page and its API."""

from django.urls import include, path

from recovery import pages, views

api = [
    path("", views.recovery, name="api-recovery"),
    path("<int:journey_id>/", views.journey, name="api-recovery-journey"),
    path("<int:journey_id>/slip/", views.journey_slip, name="api-recovery-slip"),
    path("<int:journey_id>/delete/", views.journey_delete, name="api-recovery-delete"),
    path("<int:journey_id>/milestone/", views.milestone, name="api-recovery-milestone"),
    path("checkin/", views.checkin, name="api-recovery-checkin"),
    path("checkin/dismiss/", views.checkin_dismiss, name="api-recovery-checkin-dismiss"),
    path("checkin/prompt/", views.checkin_prompt, name="api-recovery-checkin-prompt"),
    path("checkins/", views.checkin_history, name="api-recovery-checkins"),
    path("export/", views.export, name="api-recovery-export"),
    path("partners/", views.partner_list, name="api-partners"),
    path("partners/<int:partnership_id>/accept/", views.partner_accept, name="api-partner-accept"),
    path("partners/<int:partnership_id>/end/", views.partner_end, name="api-partner-end"),
    path(
        "partners/<int:partnership_id>/support/", views.partner_support, name="api-partner-support"
    ),
]

urlpatterns = [
    path("recovery/", pages.recovery, name="recovery"),
    path("api/recovery/", include(api)),
]
