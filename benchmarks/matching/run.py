"""The runner behind `python -m benchmarks.matching`: load, index, look up, score, compare with a peer."""

import csv
import json
import platform
import statistics
import time
from datetime import date

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kasane.core.models import Municipality  # noqa: E402
from kasane.people import matching  # noqa: E402
from kasane.people.models import Person  # noqa: E402

CODE = "209999"
BATCH = 5000


def read(path: str) -> tuple[list[dict], list[dict]]:
    """(records on file: the first of each entity, query records: the rest)."""
    on_file, queries, seen = [], [], set()
    with open(path, newline="", encoding="utf-8") as lines:
        for row in csv.DictReader(lines):
            row["birth_date"] = date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
            (queries if row["entity_id"] in seen else on_file).append(row)
            seen.add(row["entity_id"])
    return on_file, queries


def load(on_file: list[dict]) -> tuple[Municipality, dict[int, str], float]:
    """Persons written with their keys; returns the municipality, person id → entity id, seconds taken."""
    Municipality.objects.filter(code=CODE).exists() and _drop()
    municipality = Municipality.objects.create(name="名寄せベンチ市", prefecture="長野県", code=CODE)
    entity_of = {}
    started = time.perf_counter()
    for first in range(0, len(on_file), BATCH):
        persons = []
        for row in on_file[first : first + BATCH]:
            phone = row["phone"]
            mobile = phone.replace("-", "").startswith(("070", "080", "090"))
            person = Person(
                municipality=municipality, family_name=row["family_name"], given_name=row["given_name"],
                family_kana=row["family_kana"], given_kana=row["given_kana"], birth_date=row["birth_date"],
                sex=row["sex"] or "unknown", postal_code=row["postal_code"], address=row["address"],
                phone_mobile=phone if mobile else "", phone_home="" if mobile else phone,
            )  # fmt: skip
            person.refresh_keys()
            persons.append(person)
        with transaction.atomic():
            created = Person.objects.bulk_create(persons)
        for person, row in zip(created, on_file[first : first + BATCH], strict=True):
            entity_of[person.pk] = row["entity_id"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
    return municipality, entity_of, time.perf_counter() - started


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


def run(path: str, peer: str | None = None, peer_labels: bool = False) -> dict:
    call_command("migrate", verbosity=0)
    on_file, queries = read(path)
    print(f"machine: {platform.machine()}, {os_cpus()} cores, Python {platform.python_version()}; "
          f"database: {connection.vendor}")  # fmt: skip
    print(f"data: {path}: {len(on_file):,} records on file, {len(queries):,} records to match")
    municipality, entity_of, indexing = load(on_file)
    print(f"kasane indexing: {indexing:.1f} s ({len(on_file) / indexing:,.0f} persons/s)")
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
           "indexing_s": round(indexing, 1)}  # fmt: skip
    print(
        f"kasane at 同一人物の可能性が高い (score ≥ {matching.HIGH}): precision {result['precision']:.4f}  "
        f"recall {result['recall']:.4f}  F1 {result['f1']:.4f}  (tp {result['tp']}, fp {result['fp']}, fn {result['fn']})"
    )
    print(
        f"kasane at 要確認 or above (score ≥ {matching.THRESHOLD}): precision {review['precision']:.4f}  "
        f"recall {review['recall']:.4f}; true person listed {listed:.4f}, first {top1:.4f}"
    )
    print(f"kasane lookup: p50 {out['lookup_p50_ms']} ms, p95 {out['lookup_p95_ms']} ms")
    print("kasane threshold sweep (score: precision / recall / F1):")
    for threshold in range(60, 101, 5):
        s = scores_at(threshold, predicted, truth)
        print(f"  {threshold:3d}: {s['precision']:.4f} / {s['recall']:.4f} / {s['f1']:.4f}")
    if peer == "splink":
        from .peer_splink import link

        theirs = link(on_file, queries, supervised=peer_labels)
        print(f"splink (DuckDB) at match probability ≥ {theirs['threshold']}: precision {theirs['precision']:.4f}  "
              f"recall {theirs['recall']:.4f}  F1 {theirs['f1']:.4f}; training {theirs['training_s']} s, "
              f"prediction {theirs['predict_s']} s (all {len(queries):,} records at once)")  # fmt: skip
        print(f"splink best F1 over thresholds: {theirs['best_f1']:.4f} at {theirs['best_threshold']}")
        print("side by side        kasane    splink    ratio")
        for key in ("precision", "recall", "f1"):
            ratio = out[key] / theirs[key] if theirs[key] else float("inf")
            print(f"  {key:<16}{out[key]:>8.4f}  {theirs[key]:>8.4f}  {ratio:>7.3f}")
        out["peer"] = {"engine": "splink", "m_from_labels": peer_labels, **{k: theirs[k] for k in ("precision", "recall", "f1", "threshold",
                       "best_f1", "best_threshold", "training_s", "predict_s")}}  # fmt: skip
        out["ratio_f1"] = round(out["f1"] / theirs["f1"], 4) if theirs["f1"] else None
    print(json.dumps(out, ensure_ascii=False))
    return out


def os_cpus() -> int:
    import os

    return os.cpu_count() or 0
