from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kasane.core.urls")),
    path("directory/", include("kasane.directory.urls")),
    path("api/v1/", include("kasane.api.urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "kasane.core.errorviews.not_found"
handler403 = "kasane.core.errorviews.forbidden"
handler400 = "kasane.core.errorviews.bad_request"
handler500 = "kasane.core.errorviews.server_error"
