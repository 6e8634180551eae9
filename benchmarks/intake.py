"""Benchmark intake's hot paths at city size; prints figures. Run by hand, never in the test suite:

    KASANE_DEV=1 .venv/bin/python benchmarks/intake.py                   # SQLite in a temporary folder
    KASANE_DEV=1 .venv/bin/python benchmarks/intake.py --persons 5000    # a quick run
    createdb -h 127.0.0.1 -U postgres kasane_bench
    KASANE_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kasane_bench .venv/bin/python benchmarks/intake.py

Builds one municipality of N persons (Faker ja_JP name pairs, a fifth stored with old/variant kanji) and
5 consultations per person across 30 agencies (skewed: the largest records a quarter), plus referrals and
consents, then measures p50/p95 of
  - the 名寄せ lookup `find_candidates` for 200 known persons typed with noise (hiragana or half-width kana,
    common instead of variant kanji or the reverse, the whole name in one field, a birth-date slip), and
  - the first page (50 rows) of the largest agency's consultations, newest first, through `policy.scope`.
Targets: lookup p95 < 50 ms, list page p95 < 150 ms. A PostgreSQL database that already holds the benchmark
municipality with the same size is measured again without rebuilding; `--explain` prints the query plans.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KASANE_VAR_DIR", tempfile.mkdtemp(prefix="kasane-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")

import django  # noqa: E402

django.setup()

import jaconv  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from faker import Faker  # noqa: E402

from kasane.core import policy  # noqa: E402
from kasane.core.models import Municipality, StaffRole, User  # noqa: E402
from kasane.core.roles import Role  # noqa: E402
from kasane.directory.demo_agencies import AGENCIES  # noqa: E402
from kasane.directory.models import Agency  # noqa: E402
from kasane.intake.models import Consent, Consultation, Referral  # noqa: E402
from kasane.people import matching  # noqa: E402
from kasane.people.models import Person  # noqa: E402
from kasane.people.names import VARIANT_KANJI, kana_key, name_key  # noqa: E402

CODE = "212016"
AGENCY_COUNT = 30
CONSULTATIONS_PER_PERSON = 5
BATCH = 5000
# Common kanji → an old form, to store some names the way another agency wrote them (高橋 → 髙橋).
OLD_FORM = {}
for _variant, _common in VARIANT_KANJI.items():
    OLD_FORM.setdefault(_common, _variant)


def to_old(text: str) -> str:
    return "".join(OLD_FORM.get(ch, ch) for ch in text)


def to_common(text: str) -> str:
    return "".join(VARIANT_KANJI.get(ch, ch) for ch in text)


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    return statistics.median(samples_ms), statistics.quantiles(samples_ms, n=100)[94]


def build(persons: int, rnd: random.Random, fake: Faker) -> Municipality:
    municipality = Municipality.objects.create(name="ベンチ市", prefecture="岐阜県", code=CODE)
    agencies = Agency.objects.bulk_create(
        Agency(municipality=municipality, name=f"{AGENCIES[i % len(AGENCIES)]['name']} {i}")
        for i in range(AGENCY_COUNT)
    )
    staff = {}
    for i, agency in enumerate([None, *agencies]):
        user = User.objects.create(username=f"bench{i}", municipality=municipality, agency=agency)
        StaffRole.objects.create(user=user, role=Role.MUNICIPAL if agency is None else Role.COUNSELOR)
        staff[agency.pk if agency else None] = user.pk
    # Zipf-like shares: the first agency records about a quarter of all consultations.
    weights = [1 / (i + 1) for i in range(AGENCY_COUNT)]
    agency_ids = [a.pk for a in agencies]
    today = date.today()

    started = time.perf_counter()
    for first in range(0, persons, BATCH):
        rows, homes = [], []
        for _ in range(min(BATCH, persons - first)):
            family, family_kana, _ = fake.last_name_pair()
            given, given_kana, _ = fake.first_name_pair()
            if rnd.random() < 0.2:
                family, given = to_old(family), to_old(given)
            home = rnd.choices(agency_ids, weights)[0] if rnd.random() > 0.05 else None
            homes.append(home)
            rows.append(
                Person(
                    municipality=municipality, family_name=family, given_name=given, family_kana=family_kana,
                    given_kana=given_kana, birth_date=fake.date_of_birth(minimum_age=0, maximum_age=95),
                    registered_by_agency_id=home, name_key=name_key(family + given),
                    kana_key=kana_key(family_kana + given_kana),
                )
            )  # fmt: skip
        with transaction.atomic():
            Person.objects.bulk_create(rows)
            consultations = []
            for person, home in zip(rows, homes, strict=True):
                for _ in range(CONSULTATIONS_PER_PERSON):
                    agency = (
                        home if rnd.random() < 0.7 else rnd.choices([None, *agency_ids], [0.05, *weights])[0]
                    )
                    consultations.append(
                        Consultation(
                            municipality=municipality, agency_id=agency, staff_id=staff[agency],
                            received_on=today - timedelta(days=rnd.randrange(5 * 365)), route="visit",
                            consulter="self", person=person, response="advice",
                        )
                    )  # fmt: skip
            Consultation.objects.bulk_create(consultations)
            referrals, consents = [], []
            for c in consultations[::50]:  # 2 % of consultations are referred on
                to_agency = rnd.choice(agency_ids)
                referrals.append(
                    Referral(
                        municipality=municipality, consultation=c, person=c.person, from_agency_id=c.agency_id,
                        from_staff_id=c.staff_id, to_agency_id=to_agency, reason="ベンチ",
                        legal_basis="consent", status=rnd.choice(["sent", "accepted_joint", "returned"]),
                    )
                )  # fmt: skip
            for c in consultations[::100]:  # consent to share with the municipal office and one agency
                consents.append(
                    Consent(
                        municipality=municipality, person=c.person, consultation=c, obtained_on=c.received_on,
                        method="written", obtained_by_id=c.staff_id, obtained_by_agency_id=c.agency_id,
                    )
                )  # fmt: skip
            Referral.objects.bulk_create(referrals)
            Consent.objects.bulk_create(consents)
            Consent.agencies.through.objects.bulk_create(
                Consent.agencies.through(consent_id=c.pk, agency_id=rnd.choice(agency_ids)) for c in consents
            )
        done = first + len(rows)
        if done % 20000 == 0 or done == persons:
            print(f"  built {done:,} persons in {time.perf_counter() - started:.0f} s", flush=True)
    return municipality


def typed_with_noise(person: Person, rnd: random.Random) -> dict:
    """The person as another counter might type them."""
    family, given = person.family_name, person.given_name
    common = to_common(family + given) != family + given
    if common:
        family, given = to_common(family), to_common(given)
    elif rnd.random() < 0.3:
        family, given = to_old(family), to_old(given)
    family_kana, given_kana = person.family_kana, person.given_kana
    form = rnd.random()
    if form < 0.5:
        family_kana, given_kana = jaconv.kata2hira(family_kana), jaconv.kata2hira(given_kana)
    elif form < 0.75:
        family_kana, given_kana = (jaconv.z2h(k, kana=True) for k in (family_kana, given_kana))
    if rnd.random() < 0.4:  # the whole name in the first field
        space = rnd.choice(["", " ", "　"])
        family, given, family_kana, given_kana = (
            family + space + given,
            "",
            family_kana + space + given_kana,
            "",
        )
    typed = {
        "family_name": family, "given_name": given, "family_kana": family_kana, "given_kana": given_kana,
        "birth_date": None,
    }  # fmt: skip
    leave_out = rnd.random()
    if leave_out < 0.2:
        typed["family_name"] = typed["given_name"] = ""
    elif leave_out < 0.4:
        typed["family_kana"] = typed["given_kana"] = ""
    slip = rnd.random()
    if slip < 0.7:
        typed["birth_date"] = person.birth_date
    elif slip < 0.85:
        typed["birth_date"] = rnd.choice(sorted(matching._near_dates(person.birth_date)))
    return typed


def explain(queryset) -> None:
    print("    " + queryset.explain().replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    fake = Faker("ja_JP")
    fake.seed_instance(args.seed)

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, {args.persons:,} persons")
    municipality = Municipality.objects.filter(code=CODE).first()
    if municipality is None:
        started = time.perf_counter()
        municipality = build(args.persons, rnd, fake)
        print(f"built in {time.perf_counter() - started:.0f} s")
    elif Person.objects.filter(municipality=municipality).count() != args.persons:
        sys.exit("the database holds a benchmark of another size: use a new database")
    else:
        print("reusing the benchmark data already in the database")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # autovacuum would, a little later
    print(
        f"{Consultation.objects.count():,} consultations, {Referral.objects.count():,} referrals, "
        f"{Consent.objects.count():,} consents"
    )

    largest = Agency.objects.filter(municipality=municipality).order_by("pk").first()
    user = User.objects.get(agency=largest)
    visible = policy.scope(user, Person).count()
    print(f"user: counselor of the largest agency, sees {visible:,} persons")

    # The same persons and the same noise on every database and whether or not the data was just built.
    rnd = random.Random(args.seed + 1)
    ids = sorted(Person.objects.filter(municipality=municipality).values_list("pk", flat=True))
    chosen = Person.objects.in_bulk(rnd.sample(ids, args.lookups))
    known = [chosen[pk] for pk in sorted(chosen)]
    typed = [typed_with_noise(person, rnd) for person in known]
    samples, ranking, hits = [], [], {True: [0, 0, 0], False: [0, 0, 0]}  # dated?: [first, shown, all]
    for person, query in zip(known, typed, strict=True):
        start = time.perf_counter()
        matching.find_candidates(user=user, **query)
        samples.append((time.perf_counter() - start) * 1000)
        # The ranking alone (no visibility check, holders or log), which also tells whether the person was found.
        start = time.perf_counter()
        ranked = [pk for _, pk, _ in matching._rank(municipality.pk, **query, limit=8)]
        ranking.append((time.perf_counter() - start) * 1000)
        counts = hits[query["birth_date"] is not None]
        counts[0] += bool(ranked) and ranked[0] == person.pk
        counts[1] += person.pk in ranked
        counts[2] += 1
    p50, p95 = percentiles(samples)
    print(
        f"名寄せ lookup: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms (target p95 < 50 ms)"
    )
    p50, p95 = percentiles(ranking)
    print(f"  of which blocking and scoring: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    for dated, (first, shown, total) in hits.items():
        print(
            f"  {'with' if dated else 'without'} a birth date: the person ranked first {first}/{total}, "
            f"among the 8 shown {shown}/{total}"
        )

    page = policy.scope(user, Consultation).select_related("person").order_by("-received_on", "-pk")[:50]
    list_samples = []
    for _ in range(50):
        start = time.perf_counter()
        rows = list(page.all())
        list_samples.append((time.perf_counter() - start) * 1000)
    p50, p95 = percentiles(list_samples)
    total = policy.scope(user, Consultation).count()
    print(
        f"consultation list, first page of {len(rows)} of {total:,}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target p95 < 150 ms)"
    )

    if args.explain:
        query = typed[0]
        print("plans: kana prefix block, birth-date block, visibility of candidates, list page")
        persons = Person.objects.filter(municipality=municipality).order_by()
        explain(persons.filter(kana_key__gte="タカハシユ", kana_key__lt="タカハシヨ").values("pk")[:200])
        dates = [known[0].birth_date, *sorted(matching._near_dates(known[0].birth_date))]
        explain(persons.filter(birth_date__in=dates).values("pk")[:200])
        explain(policy.scope(user, Person).filter(pk__in=[p.pk for p in known[:8]]).order_by())
        explain(page)
        print(f"    (lookup typed: {query})")


if __name__ == "__main__":
    main()
