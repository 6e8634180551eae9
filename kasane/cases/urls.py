from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("<int:pk>/consent/", views.case_consent, name="case_consent"),
    path("<int:pk>/delete/", views.case_delete, name="case_delete"),
    path("<int:pk>/archive/", views.case_archive, name="case_archive"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/leave/", views.team_leave, name="team_leave"),
    path("<int:pk>/lead/", views.lead_change, name="lead_change"),
    path("<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("<int:pk>/records/", views.support_record_create, name="support_record_create"),
    path("<int:pk>/contacts/", views.contact_attempt_create, name="contact_attempt_create"),
    path("<int:pk>/monitorings/<int:monitoring_pk>/done/", views.monitoring_done, name="monitoring_done"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/print.pdf", views.plan_print, name="plan_print"),
]
