from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/print/", views.resource_print, name="resource_print"),
    path("resources/export.xlsx", views.resource_export_xlsx, name="resource_export_xlsx"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("kinds/", views.kind_list, name="kind_list"),
    path("kinds/<int:pk>/toggle/", views.kind_toggle, name="kind_toggle"),
    path("settings/", views.settings_page, name="settings"),
    path("gaps/<int:pk>/resource/", views.gap_resource, name="gap_resource"),
    path("matches/", views.match_list, name="match_list"),
    path("cases/<int:pk>/", views.case_matching, name="case_matching"),
    path("cases/<int:pk>/matches/", views.match_create, name="match_create"),
    path("cases/<int:pk>/gaps/", views.case_gap, name="case_gap"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/approach/", views.match_approach, name="match_approach"),
    path("matches/<int:pk>/start/", views.match_start, name="match_start"),
    path("matches/<int:pk>/followups/", views.followup_schedule, name="followup_schedule"),
    path("matches/<int:pk>/followups/<int:followup_pk>/", views.followup_record, name="followup_record"),
    path("matches/<int:pk>/outcome/", views.match_outcome, name="match_outcome"),
]
