"""The runner behind `python -m benchmarks.matching`: load, index, look up, score, compare with a peer."""

import csv
import json
import math
import platform
import random
import statistics
import time
from datetime import date
from functools import cache

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kasane.core.models import Municipality  # noqa: E402
from kasane.people import matching  # noqa: E402
from kasane.people.address import address_key  # noqa: E402
from kasane.people.models import Person  # noqa: E402
from kasane.people.names import kana_key, name_key  # noqa: E402
from kasane.people.phones import phone_key  # noqa: E402
from kasane.people.readings import estimated_reading  # noqa: E402

CODE = "209999"
BATCH = 50_000


def read(path: str) -> tuple[list[dict], list[dict]]:
    """(records on file: the first of each entity, query records: the rest)."""
    on_file, queries, seen = [], [], set()
    with open(path, newline="", encoding="utf-8") as lines:
        for row in csv.DictReader(lines):
            row["birth_date"] = date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
            (queries if row["entity_id"] in seen else on_file).append(row)
            seen.add(row["entity_id"])
    return on_file, queries


def load(on_file: list[dict]) -> tuple[Municipality, dict[int, str], dict[str, float]]:
    """Persons written with their 名寄せ keys, as a bulk load would: keys computed in Python (the functions
    `Person.refresh_keys` calls, memoised per distinct string), the table's secondary indexes dropped, rows
    written in big batches (SQLite: executemany in one transaction per batch; PostgreSQL: COPY), the
    indexes created again and (PostgreSQL) ANALYZE. Returns the municipality, person id → entity id and the
    seconds of each step ("total" is the indexing time: keys + write + indexes)."""
    Municipality.objects.filter(code=CODE).exists() and _drop()
    municipality = Municipality.objects.create(name="名寄せベンチ市", prefecture="長野県", code=CODE)
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    template = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    template.update(
        municipality_id=municipality.pk,
        created_at=Person._meta.get_field("created_at").get_db_prep_save(now, connection),
    )
    columns = [f.column for f in fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    base = [template[f.attname] for f in fields]
    iso = connection.vendor == "sqlite"
    seconds = {"keys": 0.0, "write": 0.0, "indexes": 0.0}
    started = time.perf_counter()
    indexes = _secondary_indexes()
    _run(f"DROP INDEX {name}" for name, _ in indexes)
    seconds["indexes"] += time.perf_counter() - started
    try:
        for first in range(0, len(on_file), BATCH):
            started = time.perf_counter()
            values = []
            for row in on_file[first : first + BATCH]:
                values.append(_values(row, base, position, iso))
            seconds["keys"] += time.perf_counter() - started
            started = time.perf_counter()
            _write(columns, values)
            seconds["write"] += time.perf_counter() - started
    finally:
        started = time.perf_counter()
        _run(sql for _, sql in indexes)
        if connection.vendor == "postgresql":
            _run(["ANALYZE people_person"])
        seconds["indexes"] += time.perf_counter() - started
    seconds["total"] = sum(seconds.values())
    ids = list(Person.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True))
    assert len(ids) == len(on_file), (len(ids), len(on_file))  # rows come back in the order written
    entity_of = {pk: row["entity_id"] for pk, row in zip(ids, on_file, strict=True)}
    _check_keys(dict(zip(ids, on_file, strict=True)))
    return municipality, entity_of, seconds


# The key functions of Person.refresh_keys, memoised: a population repeats its names, towns and readings.
_name_key, _kana_key, _reading, _phone_key, _address_key = (
    cache(f) for f in (name_key, kana_key, estimated_reading, phone_key, address_key)
)


def _values(row: dict, base: list, position: dict[str, int], iso: bool) -> list:
    """One row of people_person, its keys as Person.refresh_keys computes them (checked by _check_keys)."""
    phone = row["phone"]
    mobile = phone.replace("-", "").startswith(("070", "080", "090"))
    home, mobile = ("", phone) if mobile else (phone, "")
    born = row["birth_date"]
    out = base.copy()
    for attname, value in (
        ("family_name", row["family_name"]), ("given_name", row["given_name"]),
        ("family_kana", row["family_kana"]), ("given_kana", row["given_kana"]),
        ("birth_date", (born.isoformat() if iso else born) if born else None), ("sex", row["sex"] or "unknown"),
        ("postal_code", row["postal_code"]), ("address", row["address"]), ("phone_home", home),
        ("phone_mobile", mobile),
        ("name_key", _name_key(row["family_name"] + row["given_name"])[:100]),
        ("kana_key", _kana_key(row["family_kana"] + row["given_kana"])[:200]),
        ("reading_key", (_reading(row["family_name"]) + _reading(row["given_name"]))[:200]),
        ("phone_key", _phone_key(home)[:20]), ("mobile_key", _phone_key(mobile)[:20]),
        ("address_key", _address_key(row["address"])[:200]),
    ):  # fmt: skip
        out[position[attname]] = value
    return out


def _check_keys(row_of: dict[int, dict]) -> None:
    """On a sample of 1,000 rows: each id holds the record it is mapped to, and the bulk-written keys equal
    what Person.save() would write."""
    keys = ("name_key", "kana_key", "reading_key", "phone_key", "mobile_key", "address_key")
    sample = random.Random(1).sample(sorted(row_of), min(1000, len(row_of)))
    for person in Person.objects.filter(pk__in=sample):
        row = row_of[person.pk]
        assert (person.family_name, person.address, person.birth_date) == (
            row["family_name"], row["address"], row["birth_date"]
        ), person.pk  # fmt: skip
        written = {k: getattr(person, k) for k in keys}
        person.refresh_keys()
        assert written == {k: getattr(person, k) for k in keys}, (person.pk, written)


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of people_person's non-unique indexes, to drop around the load."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people_person' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'people_person' "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
            )
        return [(connection.ops.quote_name(name), sql) for name, sql in cursor.fetchall()]


def _run(statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _write(columns: list[str], values: list[list]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY people_person ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(f"INSERT INTO people_person ({names}) VALUES ({marks})", values)


def _drop() -> None:
    """The benchmark municipality of an earlier run (its persons have no related rows: raw deletes)."""
    with transaction.atomic():
        Person.objects.filter(municipality__code=CODE)._raw_delete(connection.alias)
        Municipality.objects.filter(code=CODE)._raw_delete(connection.alias)


def lookup(municipality, queries: list[dict]) -> tuple[list[list[tuple[int, int]]], list[float]]:
    """Each query's candidates as (score, person id), and each lookup's milliseconds."""
    found, times = [], []
    for row in queries:
        started = time.perf_counter()
        ranked = matching._rank(
            municipality.pk, family_name=row["family_name"], given_name=row["given_name"],
            family_kana=row["family_kana"], given_kana=row["given_kana"], birth_date=row["birth_date"],
            sex=row["sex"], postal_code=row["postal_code"], address=row["address"], phone=row["phone"], limit=8,
        )  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
        found.append([(score, pk) for score, pk, _ in ranked])
    return found, times


def scores_at(threshold: float, predicted: list[list[tuple[float, str]]], truth: list[str]) -> dict:
    """Pairwise precision, recall and F1: a (query, entity on file) pair is predicted at score ≥ threshold."""
    tp = fp = 0
    for pairs, entity in zip(predicted, truth, strict=True):
        for score, candidate in pairs:
            if score >= threshold:
                tp += candidate == entity
                fp += candidate != entity
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp, "fp": fp,
            "fn": fn}  # fmt: skip


def percentile(samples: list[float], q: int) -> float:
    return round(statistics.quantiles(samples, n=100)[q - 1], 2) if len(samples) > 1 else round(samples[0], 2)


def wilson(hits: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of the proportion hits / n."""
    if not n:
        return (0.0, 1.0)
    z, p = 1.959964, hits / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (round((centre - half) / (1 + z * z / n), 4), round((centre + half) / (1 + z * z / n), 4))


def run(
    path: str,
    peer: str | None = None,
    peer_labels: bool = False,
    lookups: int | None = None,
    seed: int = 7,
    peer_normalised: bool = False,
    peer_one_name: bool = False,
) -> dict:
    call_command("migrate", verbosity=0)
    on_file, all_queries = read(path)
    print(f"machine: {platform.machine()}, {os_cpus()} cores, Python {platform.python_version()}; "
          f"database: {connection.vendor}")  # fmt: skip
    print(f"data: {path}: {len(on_file):,} records on file, {len(all_queries):,} records to match")
    queries = all_queries
    if lookups and lookups < len(all_queries):
        picked = sorted(random.Random(seed).sample(range(len(all_queries)), lookups))
        queries = [all_queries[i] for i in picked]
        print(f"lookups: a random sample (seed {seed}) of {len(queries):,} of the {len(all_queries):,} "
              f"records to match; precision, recall, F1 and latency are over the sample")  # fmt: skip
    municipality, entity_of, steps = load(on_file)
    indexing = steps["total"]
    print(f"kasane indexing: {indexing:.1f} s ({len(on_file) / indexing:,.0f} persons/s): keys "
          f"{steps['keys']:.1f} s, write {steps['write']:.1f} s, drop + create indexes (+ ANALYZE) "
          f"{steps['indexes']:.1f} s")  # fmt: skip
    found, times = lookup(municipality, queries)
    predicted = [[(score, entity_of[pk]) for score, pk in pairs] for pairs in found]
    truth = [row["entity_id"] for row in queries]
    result = scores_at(matching.HIGH, predicted, truth)
    review = scores_at(matching.THRESHOLD, predicted, truth)
    listed = sum(any(e == t for _, e in pairs) for pairs, t in zip(predicted, truth, strict=True)) / len(
        truth
    )
    top1 = sum(bool(pairs) and pairs[0][1] == t for pairs, t in zip(predicted, truth, strict=True)) / len(
        truth
    )
    out = {"engine": "kasane", "database": connection.vendor, "persons": len(on_file), "queries": len(queries),
           **{k: result[k] for k in ("precision", "recall", "f1")},
           "threshold": matching.HIGH, "recall_listed": round(listed, 4), "top1": round(top1, 4),
           "lookup_p50_ms": percentile(times, 50), "lookup_p95_ms": percentile(times, 95),
           "indexing_s": round(indexing, 1), "lookups": len(queries),
           "indexing_steps_s": {k: round(v, 1) for k, v in steps.items() if k != "total"}}  # fmt: skip
    print(
        f"kasane at 同一人物の可能性が高い (score ≥ {matching.HIGH}): precision {result['precision']:.4f}  "
        f"recall {result['recall']:.4f}  F1 {result['f1']:.4f}  (tp {result['tp']}, fp {result['fp']}, fn {result['fn']})"
    )
    print(
        f"kasane at 要確認 or above (score ≥ {matching.THRESHOLD}): precision {review['precision']:.4f}  "
        f"recall {review['recall']:.4f}; true person listed {listed:.4f}, first {top1:.4f}"
    )
    if len(queries) < len(all_queries):
        out["recall_ci95"] = wilson(result["tp"], result["tp"] + result["fn"])
        out["precision_ci95"] = wilson(result["tp"], result["tp"] + result["fp"])
        print(f"kasane 95 % confidence intervals over the sample of {len(queries):,}: recall "
              f"{out['recall_ci95'][0]:.4f}–{out['recall_ci95'][1]:.4f}, precision "
              f"{out['precision_ci95'][0]:.4f}–{out['precision_ci95'][1]:.4f}")  # fmt: skip
    print(f"kasane lookup: p50 {out['lookup_p50_ms']} ms, p95 {out['lookup_p95_ms']} ms")
    print("kasane threshold sweep (score: precision / recall / F1):")
    for threshold in range(60, 101, 5):
        s = scores_at(threshold, predicted, truth)
        print(f"  {threshold:3d}: {s['precision']:.4f} / {s['recall']:.4f} / {s['f1']:.4f}")
    if peer == "splink":
        from .peer_splink import link

        sample = {row["record_id"] for row in queries} if len(queries) < len(all_queries) else None
        modes = [False, True] if peer_normalised else [False]
        for normalised in modes:
            theirs = link(
                on_file,
                all_queries,
                supervised=peer_labels,
                normalised=normalised,
                sample=sample,
                one_name=peer_one_name,
            )
            name = "splink, kasane's normalised fields" if normalised else "splink"
            name += ", one name comparison" if peer_one_name else ""
            print(f"{name} (DuckDB) at match probability ≥ {theirs['threshold']}: precision "
                  f"{theirs['precision']:.4f}  recall {theirs['recall']:.4f}  F1 {theirs['f1']:.4f} (all "
                  f"{len(all_queries):,} records at once); training {theirs['training_s']} s, prediction "
                  f"{theirs['predict_s']} s, {theirs['pairs']:,} pairs compared")  # fmt: skip
            print(f"{name} best F1 over thresholds: {theirs['best_f1']:.4f} at {theirs['best_threshold']}")
            mine = theirs
            if sample is not None:
                mine = theirs["sample"]
                print(f"{name} over kasane's sample of {len(queries):,}: precision {mine['precision']:.4f}  "
                      f"recall {mine['recall']:.4f}  F1 {mine['f1']:.4f}")  # fmt: skip
            print(
                f"side by side        kasane    {'splink (normalised)' if normalised else 'splink'}    ratio"
            )
            for key in ("precision", "recall", "f1"):
                ratio = out[key] / mine[key] if mine[key] else float("inf")
                print(f"  {key:<16}{out[key]:>8.4f}  {mine[key]:>8.4f}  {ratio:>7.3f}")
            figures = {"engine": "splink", "m_from_labels": peer_labels, "normalised": normalised, "one_name": peer_one_name,
                       **{k: theirs[k] for k in ("precision", "recall", "f1", "threshold", "best_f1",
                                                 "best_threshold", "training_s", "predict_s", "pairs", "em_failed")}}  # fmt: skip
            if sample is not None:
                figures["on_sample"] = mine
            out["peer_normalised" if normalised else "peer"] = figures
            out["ratio_f1_normalised" if normalised else "ratio_f1"] = (
                round(out["f1"] / mine["f1"], 4) if mine["f1"] else None
            )
    print(json.dumps(out, ensure_ascii=False))
    return out


def os_cpus() -> int:
    import os

    return os.cpu_count() or 0
