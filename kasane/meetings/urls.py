from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/pledge/", views.pledge, name="pledge"),
    path("<int:pk>/items/", views.item_create, name="item_create"),
    path("<int:pk>/gaps/", views.meeting_gap_add, name="meeting_gap_add"),
    path("<int:pk>/minutes.pdf", views.minutes_print, name="minutes_print"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/record/", views.item_record, name="item_record"),
    path("items/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("items/<int:pk>/release/", views.item_release, name="item_release"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("gaps/", views.gap_list, name="gap_list"),
    path("gaps/new/", views.gap_create, name="gap_create"),
    path("gaps/<int:pk>/status/", views.gap_status, name="gap_status"),
]
