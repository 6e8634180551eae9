from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("compare/", views.compare, name="compare"),
    path("compare/figures/", views.own_figures_edit, name="own_figures_edit"),
]
