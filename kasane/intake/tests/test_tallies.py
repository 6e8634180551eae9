"""The monthly tallies (ConsultationTally, ProblemTally) are kept by database triggers: after any sequence of
writes, through any path (model save, bulk_create, queryset.update, delete, raw SQL), every count equals a
recount of the records, and the statistics read from the tallies equal a count done here from the records."""

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_agency
from kasane.core.models import Municipality
from kasane.evaluation import statistics as stats
from kasane.intake import tally_sql
from kasane.intake.models import Consultation, ConsultationProblem, ConsultationTally, ProblemTally
from kasane.people.models import Person

_codes = itertools.count(100)
DAYS = st.dates(min_value=date(2024, 3, 25), max_value=date(2025, 4, 5))  # across both 年度 edges
ROUTES = st.sampled_from(
    ["visit", "phone", "home_visit", "email", "online", "fax?"]
)  # one outside the choices
CONSULTERS = st.sampled_from(["self", "family", "minsei", "other"])
PROBLEMS = st.lists(
    st.sampled_from(["care", "income", "housing", "debt", "other_x"]), max_size=3, unique=True
)

OPS = st.one_of(
    st.tuples(st.just("create"), DAYS, st.integers(0, 2), ROUTES, CONSULTERS, PROBLEMS, st.booleans()),
    st.tuples(st.just("bulk"), st.lists(st.tuples(DAYS, st.integers(0, 2), ROUTES, CONSULTERS), max_size=4)),
    st.tuples(st.just("save"), st.integers(0, 50), DAYS, st.integers(0, 2), ROUTES),
    st.tuples(st.just("update"), st.integers(0, 50), st.sampled_from(["agency", "consulter", "received_on"])),
    st.tuples(st.just("problems"), st.integers(0, 50), PROBLEMS),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("raw_delete"), st.integers(0, 50)),
)


def _world():
    municipality = Municipality.objects.create(
        name="集計市", prefecture="岐阜県", code=f"29{next(_codes):04d}"
    )
    agencies = [None, make_agency(municipality, "包括"), make_agency(municipality, "くらし")]
    person = Person.objects.create(municipality=municipality, family_name="集計", given_name="花子")
    return municipality, agencies, person


def _apply(op, municipality, agencies, person):
    rows = list(Consultation.objects.filter(municipality=municipality).order_by("pk"))
    pick = (lambda i: rows[i % len(rows)]) if rows else None
    kind = op[0]
    if kind == "create":
        _, day, a, route, consulter, problems, follow = op
        first = next((c for c in rows if c.first_consultation_id is None), None) if follow else None
        c = Consultation.objects.create(
            municipality=municipality, agency=agencies[a], person=person, received_on=day, route=route,
            consulter=consulter, response="continuing", first_consultation=first,
        )  # fmt: skip
        ConsultationProblem.objects.bulk_create(
            ConsultationProblem(consultation=c, problem=p, **ConsultationProblem.copied_from(c))
            for p in problems
        )
    elif kind == "bulk":
        Consultation.objects.bulk_create(
            Consultation(municipality=municipality, agency=agencies[a], person=person, received_on=day,
                         route=route, consulter=consulter, response="continuing")
            for day, a, route, consulter in op[1]
        )  # fmt: skip
    elif not rows:
        return
    elif kind == "save":
        c = pick(op[1])
        c.received_on, c.agency, c.route = op[2], agencies[op[3]], op[4]
        c.save()
        ConsultationProblem.objects.filter(consultation=c).update(**ConsultationProblem.copied_from(c))
    elif kind == "update":
        c = pick(op[1])
        change = {
            "agency": {"agency": agencies[(agencies.index(c.agency) + 1) % 3]},
            "consulter": {"consulter": "neighbor"},
            "received_on": {"received_on": c.received_on + timedelta(days=40)},
        }[op[2]]
        Consultation.objects.filter(pk=c.pk).update(**change)
        c.refresh_from_db()
        ConsultationProblem.objects.filter(consultation=c).update(**ConsultationProblem.copied_from(c))
    elif kind == "problems":
        c = pick(op[1])
        ConsultationProblem.objects.filter(consultation=c).exclude(problem__in=op[2]).delete()
        have = set(ConsultationProblem.objects.filter(consultation=c).values_list("problem", flat=True))
        for p in op[2]:
            if p not in have:
                ConsultationProblem.objects.create(
                    consultation=c, problem=p, **ConsultationProblem.copied_from(c)
                )
    elif kind in ("delete", "raw_delete"):
        c = pick(op[1])
        if c.follow_ups.exists():
            return
        if kind == "delete":
            c.delete()  # the problem rows go with it (CASCADE, deleted by Django)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM intake_consultationproblem WHERE consultation_id = %s", [c.pk])
                cursor.execute("DELETE FROM intake_consultation WHERE id = %s", [c.pk])


def _expected(municipality, fiscal_year: int) -> dict:
    """The consultation and problem figures counted here from the records (not from the tallies)."""
    lo, hi = stats.Period(municipality.pk, fiscal_year).date_range()
    rows = Consultation.objects.filter(municipality=municipality, received_on__range=(lo, hi))
    out = Counter()
    for c in rows:
        m = stats.month_index(c.received_on)
        out["all", "", m] += 1
        if c.first_consultation_id is None:
            out["real", "", m] += 1
        out["agency", str(c.agency_id or ""), m] += 1
        out[
            "route", c.route if c.route in dict(Consultation._meta.get_field("route").choices) else "", m
        ] += 1
    for p in ConsultationProblem.objects.filter(consultation__in=rows, consultation__first_consultation=None):
        known = p.problem in dict(ConsultationProblem._meta.get_field("problem").choices)
        out["problem", p.problem if known else "", stats.month_index(p.consultation.received_on)] += 1
    return {k: v for k, v in out.items() if v}


def _computed(municipality, fiscal_year: int) -> dict:
    period = stats.Period(municipality.pk, fiscal_year)
    figures = {
        "all": stats.consultations_all,
        "real": stats.consultations_real,
        "agency": stats.consultations_by_agency,
        "route": stats.consultations_by_route,
        "problem": stats.consultations_by_problem,
    }
    out = {}
    for name, figure in figures.items():
        for value, months in figure(period).items():
            for m, n in enumerate(months):
                if n:
                    out[name, "" if value == "real" else value, m] = n
    return out


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=1, max_size=12))
def test_tallies_equal_a_recount_after_any_writes(ops):
    sid = transaction.savepoint()
    try:
        municipality, agencies, person = _world()
        for op in ops:
            _apply(op, municipality, agencies, person)
        assert tally_sql.differences(connection) == {t.table: [] for t in tally_sql.TALLIES}
        for fiscal_year in (2023, 2024, 2025):
            assert _computed(municipality, fiscal_year) == _expected(municipality, fiscal_year)
    finally:
        transaction.savepoint_rollback(sid)


def test_check_tallies_finds_and_repairs_a_drift(municipality, agency, capsys):
    person = Person.objects.create(municipality=municipality, family_name="集計", given_name="一郎")
    c = Consultation.objects.create(
        municipality=municipality, agency=agency, person=person, received_on=date(2025, 5, 9), route="phone",
        consulter="self", response="continuing",
    )  # fmt: skip
    row = ConsultationTally.objects.get(municipality=municipality)
    assert (row.month, row.agency_key, row.route, row.follow_up, row.n) == (
        date(2025, 5, 1),
        agency.pk,
        "phone",
        False,
        1,
    )
    call_command("check_tallies")
    assert "食い違いはありません" in capsys.readouterr().out
    ConsultationTally.objects.filter(pk=row.pk).update(n=5)  # a drift (only possible by hand)
    with pytest.raises(CommandError, match="食い違っています"):
        call_command("check_tallies")
    call_command("check_tallies", "--repair")
    assert ConsultationTally.objects.get(municipality=municipality).n == 1
    c.delete()
    assert ConsultationTally.objects.get(municipality=municipality).n == 0
    assert not ProblemTally.objects.filter(municipality=municipality, n__gt=0).exists()


def test_migrate_reinstalls_triggers_a_table_rebuild_dropped(municipality, agency):
    """On SQLite a migration that alters intake_consultation rebuilds the table and drops its triggers: the
    post_migrate handler puts them back (simulated here by dropping them)."""
    from kasane.intake.apps import _reinstall_tally_triggers

    with connection.cursor() as cursor:
        for statement in tally_sql.uninstall(connection.vendor, functions=False):
            cursor.execute(statement)
    person = Person.objects.create(municipality=municipality, family_name="集計", given_name="次郎")
    fields = {"municipality": municipality, "agency": agency, "person": person, "route": "visit",
              "consulter": "self", "response": "continuing"}  # fmt: skip
    Consultation.objects.create(received_on=date(2025, 6, 1), **fields)
    assert not ConsultationTally.objects.filter(municipality=municipality).exists()  # not counted: no trigger
    _reinstall_tally_triggers(using="default")
    _reinstall_tally_triggers(using="default")  # idempotent
    Consultation.objects.create(received_on=date(2025, 6, 2), **fields)
    assert ConsultationTally.objects.get(municipality=municipality).n == 1
