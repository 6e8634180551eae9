"""Authorization-matrix rows for the routes of evaluation (merged into tests/test_authorization_matrix.py).

ROWS: route name → (method, object key or {url kwarg: object key}, expected status per actor), as in MATRIX.
objects(): creates the records the rows name and returns {object key: pk}; prefix keys with "evaluation" to avoid clashes.
"""

# Statistics are aggregates: every role gets figures (whole municipality, suppressed for the evaluator and
# the admin; a casework-only role its own counter's), another tenant's admin its own municipality's.
_STATS = {"anonymous": 302} | dict.fromkeys(
    ["counselor", "collaboration", "outreach", "municipal", "admin", "evaluator", "other_admin"], 200
)

_STAFF = ["counselor", "collaboration", "outreach", "municipal", "admin", "evaluator"]


def _everyone(status=200, other=200) -> dict:
    return {"anonymous": 302, "other_admin": other} | dict.fromkeys(_STAFF, status)


def _editors(status, other=404) -> dict:
    return (
        {"anonymous": 302, "other_admin": other}
        | dict.fromkeys(_STAFF, 403)
        | {"municipal": status, "admin": status}
    )


def _sheet_objects(municipality) -> dict:
    from kasane.evaluation import services

    plan = services.plan_import(user=None, municipality_id=municipality.pk, data={
        "name": "地域福祉計画", "period_from": 2022, "period_to": 2026,
        "goals": [{"number": 1, "title": "基盤を強化する"}],
        "measures": [{"sheet_no": 1, "goal": 1, "number": "1-1", "title": "体制の再構築", "vision": "",
                      "indicator": {"name": "地区数", "unit": "地区", "direction": "up", "numeric": True, "decimals": 0,
                                    "source": "", "survey_years": [], "baseline_year": 2020, "baseline_value": "0",
                                    "baseline_text": "", "target_year": 2026, "target_value": "7", "target_text": "",
                                    "actuals": {2022: {"value": "2", "text": ""}}},
                      "initiatives": [{"number": 1, "title": "取組", "outline": "", "revised": False, "revision": "",
                                       "section": "福祉政策課", "progress": {2022: "実施した"}}],
                      "evaluations": {2022: {"grade": "", "reasons": "理由"}}}],
    })  # fmt: skip
    target = services.target_create(user=None, municipality_id=municipality.pk, project="item2", fiscal_year=2024,
                                    item="活動参加の場への利用につながった人数", number="3", unit="人",
                                    comparison="gte", stat_key="", actual_value="4")  # fmt: skip
    return {"evaluation_plan": plan.pk, "evaluation_measure": plan.measures.get().pk,
            "evaluation_initiative_number": 1, "evaluation_target": target.pk}  # fmt: skip


ROWS: dict = {
    # Progress sheets and outcome targets (no personal data): every staff role reads; municipal and admin edit.
    "evaluation:plan_list": ("GET", None, _everyone()),
    "evaluation:plan_detail": ("GET", "evaluation_plan", _everyone(other=404)),
    "evaluation:plan_print": ("GET", "evaluation_plan", _everyone(other=404)),
    "evaluation:plan_export": ("GET", "evaluation_plan", _everyone(other=404)),
    "evaluation:plan_import": ("GET", None, _editors(200, other=200)),
    "evaluation:sheet_detail": ("GET", "evaluation_measure", _everyone(other=404)),
    "evaluation:actual_edit": ("GET", "evaluation_measure", _editors(200)),
    "evaluation:evaluation_edit": ("GET", "evaluation_measure", _editors(200)),
    "evaluation:initiative_edit": (
        "GET",
        {"pk": "evaluation_measure", "number": "evaluation_initiative_number"},
        _editors(200),
    ),
    "evaluation:target_list": ("GET", None, _everyone()),
    "evaluation:target_create": ("GET", None, _editors(200, other=200)),
    "evaluation:target_edit": ("GET", "evaluation_target", _editors(200)),
    "evaluation:target_delete": ("POST", "evaluation_target", _editors(302)),
    "api:evaluation_plan_list": ("GET", None, _everyone() | {"anonymous": 401}),
    "api:evaluation_plan_sheets": ("GET", "evaluation_plan", _everyone(other=404) | {"anonymous": 401}),
    "api:evaluation_sheet": ("GET", "evaluation_measure", _everyone(other=404) | {"anonymous": 401}),
    # PUT only (tested in kasane/evaluation/tests/test_api.py): a GET is refused after authentication.
    "api:evaluation_sheet_actual": (
        "GET",
        "evaluation_measure",
        _everyone(405, other=405) | {"anonymous": 401},
    ),
    "api:evaluation_sheet_evaluation": (
        "GET",
        "evaluation_measure",
        _everyone(405, other=405) | {"anonymous": 401},
    ),
    "api:evaluation_indicator_list": ("GET", None, _everyone() | {"anonymous": 401}),
    "api:evaluation_target_list": ("POST", None, _editors(415, other=415) | {"anonymous": 401}),
    "api:evaluation_target": ("GET", "evaluation_target", _everyone(other=404) | {"anonymous": 401}),
    "evaluation:stats": ("GET", None, _STATS),
    "evaluation:stats_export": ("GET", {"fmt": "evaluation_stats_fmt"}, _STATS),
    "evaluation:stats_print": ("GET", None, _STATS),
    "evaluation:dashboard": ("GET", None, _STATS),
    # The records behind a figure's month: casework staff only (the list is scoped by policy); evaluators and
    # the admin (numbers only, 秘匿処理) never reach a record.
    "evaluation:stats_records": (
        "GET",
        {"figure": "evaluation_records_figure"},
        {"anonymous": 302, "evaluator": 403, "admin": 403, "other_admin": 403}
        | dict.fromkeys(["counselor", "collaboration", "outreach", "municipal"], 200),
    ),
    "api:statistics": ("GET", None, _STATS | {"anonymous": 401}),
}


def objects(*, users, agency, municipality, base) -> dict:
    return {
        "evaluation_stats_fmt": "xlsx",
        "evaluation_records_figure": "outreach_attempts",
    } | _sheet_objects(municipality)
