"""Benchmark the foundation's hot paths; prints figures and ratios. Run by hand, never in the test suite:

    KASANE_DEV=1 .venv/bin/python benchmarks/foundation.py            # SQLite in a temporary folder
    KASANE_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kasane_bench .venv/bin/python benchmarks/foundation.py

Measures: directory search (kana-folded free text + theme) at 300 and 3,000 agencies, the cost of the
access log on a 50-row list (one entry per row), and the policy's per-query overhead.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KASANE_VAR_DIR", tempfile.mkdtemp(prefix="kasane-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kasane.core import audit, policy  # noqa: E402
from kasane.core.models import AccessLogEntry, Municipality, StaffRole, User  # noqa: E402
from kasane.core.roles import Role  # noqa: E402
from kasane.directory import selectors  # noqa: E402
from kasane.directory.demo_agencies import AGENCIES, THEMES  # noqa: E402
from kasane.directory.models import Agency  # noqa: E402
from kasane.directory.services import theme_ensure  # noqa: E402


def timed(fn, repeat=30):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def setup(code, name, count):
    municipality = Municipality.objects.create(name=name, prefecture="ベンチ県", code=code)
    themes = theme_ensure(municipality_id=municipality.pk, names=THEMES)
    agencies = []
    for i in range(count):
        row = AGENCIES[i % len(AGENCIES)]
        fields = {k: v for k, v in row.items() if k != "themes"}
        agencies.append(Agency(municipality=municipality, **{**fields, "name": f"{row['name']} {i}"}))
    Agency.objects.bulk_create(agencies)
    by_name = {t.name: t for t in themes}
    through = Agency.themes.through
    links = []
    for i, agency in enumerate(Agency.objects.filter(municipality=municipality).order_by("pk")):
        for theme in AGENCIES[i % len(AGENCIES)]["themes"]:
            links.append(through(agency_id=agency.pk, theme_id=by_name[theme].pk))
    through.objects.bulk_create(links)
    for agency in Agency.objects.filter(municipality=municipality).prefetch_related("themes"):
        agency.refresh_search_text()
        Agency.objects.filter(pk=agency.pk).update(search_text=agency.search_text)
    user = User.objects.create(username=f"bench{code}", municipality=municipality)
    StaffRole.objects.create(user=user, role=Role.ADMIN)
    return User.objects.get(pk=user.pk), by_name


def main():
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    results = {}
    for code, name, count in [("212016", "小", 300), ("202011", "大", 3000)]:
        user, themes = setup(code, name, count)
        q = timed(lambda user=user: list(selectors.agency_search(user=user, q="ひきこもり")))
        t = timed(
            lambda user=user, themes=themes: list(
                selectors.agency_search(user=user, theme_id=themes["住まい"].pk)
            )
        )
        both = timed(lambda user=user: list(selectors.agency_search(user=user, q="すまい 相談")))
        results[count] = q
        print(
            f"{count:>5} agencies: free text {q:6.2f} ms, theme {t:6.2f} ms, two words {both:6.2f} ms (median)"
        )
    print(f"ratio 3,000 / 300 agencies (free text): {results[3000] / results[300]:.2f}x")

    staff = list(User.objects.all()[:1]) * 50
    admin = User.objects.filter(role_rows__role=Role.ADMIN).first()
    bare = timed(lambda: list(policy.scope(admin, User)))
    logged = timed(lambda: audit.record_many(user=admin, action="list", objects=staff, model=User))
    raw = timed(lambda: list(User.objects.filter(municipality_id=admin.municipality_id)))
    print(f"policy.scope(User) query: {bare:.2f} ms vs unscoped ORM {raw:.2f} ms (ratio {bare / raw:.2f}x)")
    print(f"access log for a 50-row list: {logged:.2f} ms ({logged / 50 * 1000:.0f} µs per row)")
    print(f"access log rows written: {AccessLogEntry.objects.count()}")


if __name__ == "__main__":
    main()
