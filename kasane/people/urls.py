from django.urls import path

from . import views, views_merge

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/merge/", views_merge.person_merge_start, name="person_merge_start"),
    path("<int:pk>/merge/<int:other_pk>/", views_merge.person_merge, name="person_merge"),
    path("merges/", views_merge.merge_list, name="merge_list"),
    path("merges/<int:pk>/undo/", views_merge.merge_undo, name="merge_undo"),
    path("<int:person_pk>/household/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/members/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
]
