from django.urls import path

from . import views, views_stats

app_name = "evaluation"

urlpatterns: list = [
    path("", views.plan_list, name="plan_list"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan_export"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/actual/", views.actual_edit, name="actual_edit"),
    path("sheets/<int:pk>/evaluation/", views.evaluation_edit, name="evaluation_edit"),
    path("sheets/<int:pk>/initiatives/<int:number>/", views.initiative_edit, name="initiative_edit"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("stats/", views_stats.stats_page, name="stats"),
    path("stats/print.pdf", views_stats.stats_print, name="stats_print"),
    path("stats/records/<str:figure>/", views_stats.stats_records, name="stats_records"),
    path("stats/export/<str:fmt>/", views_stats.stats_export, name="stats_export"),
    path("dashboard/", views_stats.dashboard, name="dashboard"),
]
