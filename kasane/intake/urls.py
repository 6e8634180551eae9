from django.urls import path

from . import views, views_import

app_name = "intake"

urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("lookup/", views.person_lookup, name="person_lookup"),
    path("export.xlsx", views.consultation_export, {"fmt": "xlsx"}, name="consultation_export_xlsx"),
    path("export.csv", views.consultation_export, {"fmt": "csv"}, name="consultation_export_csv"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/refer/", views.referral_create, name="referral_create"),
    path("<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("patterns/", views.pattern_list, name="pattern_list"),
    path("persons/<int:person_pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("referrals/inbox/", views.referral_inbox, name="referral_inbox"),
    path("referrals/outbox/", views.referral_outbox, name="referral_outbox"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="referral_respond"),
    path("referrals/<int:pk>/cancel/", views.referral_cancel, name="referral_cancel"),
    path("referrals/<int:pk>/print.pdf", views.referral_print, name="referral_print"),
    path("import/", views_import.import_view, name="import"),
    path("import/template/", views_import.import_template, name="import_template"),
]
