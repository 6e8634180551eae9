from django.contrib import admin
from django.urls import include, path

from kasane.core.errorviews import not_found

urlpatterns = [
    path("", include("kasane.core.urls")),
    path("directory/", include("kasane.directory.urls")),
    path("people/", include("kasane.people.urls")),
    path("intake/", include("kasane.intake.urls")),
    path("cases/", include("kasane.cases.urls")),
    path("meetings/", include("kasane.meetings.urls")),
    path("outreach/", include("kasane.outreach.urls")),
    path("participation/", include("kasane.participation.urls")),
    path("community/", include("kasane.community.urls")),
    path("evaluation/", include("kasane.evaluation.urls")),
    path("practices/", include("kasane.practices.urls")),
    path("api/v1/", include("kasane.api.urls")),
    # The admin's autocomplete would list records without the access log; no admin form uses it.
    path("django-admin/autocomplete/", not_found, name="admin_autocomplete_disabled"),
    path("django-admin/", admin.site.urls),
]

handler404 = "kasane.core.errorviews.not_found"
handler403 = "kasane.core.errorviews.forbidden"
handler400 = "kasane.core.errorviews.bad_request"
handler500 = "kasane.core.errorviews.server_error"
