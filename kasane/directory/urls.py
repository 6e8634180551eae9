from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("new/", views.agency_create, name="agency_create"),
    path("print.pdf", views.agency_print, name="agency_print"),
    path("export.xlsx", views.agency_export_xlsx, name="agency_export_xlsx"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<int:pk>/", views.theme_edit, name="theme_edit"),
]
