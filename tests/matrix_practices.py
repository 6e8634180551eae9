"""Authorization-matrix rows for the routes of practices (merged into tests/test_authorization_matrix.py).

The practice library is public data with no tenant: every signed-in staff member reads every report, another
municipality's admin too (200, not 404: the reports are nobody's records); anonymous users are sent to the
login. The own figures for the comparison are kept by the office and the admin (a POST without form data is a
form error, 400); the other roles get 403.
"""

ACTORS = [
    "anonymous",
    "counselor",
    "collaboration",
    "outreach",
    "municipal",
    "admin",
    "evaluator",
    "other_admin",
]
READ = {**dict.fromkeys(ACTORS, 200), "anonymous": 302}
OWN_FIGURES = {
    **dict.fromkeys(ACTORS, 403),
    "municipal": 400,
    "admin": 400,
    "other_admin": 400,
    "anonymous": 302,
}

ROWS: dict = {
    "practices:report_list": ("GET", None, READ),
    "practices:report_detail": ("GET", "practices_report", READ),
    "practices:compare": ("GET", None, READ),
    "practices:own_figures_edit": ("POST", None, OWN_FIGURES),
}


def objects(*, users, agency, municipality, base) -> dict:
    from kasane.practices.models import Report

    report = Report.objects.create(ordinal=1, heading="北海道 札幌市", heading_line=3, prefecture="北海道",
                                   municipality="札幌市", population=1966735, households=954146,
                                   aging_rate="26.7", source_name="matrix")  # fmt: skip
    return {"practices_report": report.pk}
