from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("coordinators/", views.coordinator_list, name="coordinator_list"),
    path("coordinators/new/", views.coordinator_create, name="coordinator_create"),
    path("coordinators/<int:pk>/edit/", views.coordinator_edit, name="coordinator_edit"),
    path("meetings/", views.network_meeting_list, name="network_meeting_list"),
    path("meetings/new/", views.network_meeting_create, name="network_meeting_create"),
    path("meetings/<int:pk>/edit/", views.network_meeting_edit, name="network_meeting_edit"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("summary/", views.summary, name="summary"),
    path("summary/export.xlsx", views.summary_xlsx, name="summary_xlsx"),
]
