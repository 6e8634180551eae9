from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.engagement_list, name="engagement_list"),
    path("new/", views.engagement_create, name="engagement_create"),
    path("<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("<int:pk>/attempts/new/", views.attempt_create, name="attempt_create"),
    path("<int:pk>/stage/", views.stage_change, name="stage_change"),
    path("<int:pk>/identify/", views.person_identify, name="person_identify"),
    path("<int:pk>/case/", views.case_link, name="case_link"),
    path("<int:pk>/next/", views.next_attempt, name="next_attempt"),
    path("<int:pk>/close/", views.engagement_close, name="engagement_close"),
]
