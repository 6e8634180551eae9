"""Benchmark the 名寄せ engine (kasane.people.matching) on a CSV of records with ground truth, optionally
side by side with splink (DuckDB). Run by hand, never in the test suite:

    KASANE_DEV=1 .venv/bin/python -m benchmarks.matching --generate 100000 --out /tmp/people.csv
    KASANE_DEV=1 .venv/bin/python -m benchmarks.matching --data /tmp/people.csv --peer splink
    # 1M persons: a sample of 10,000 lookups; splink also on kasane's normalised fields
    KASANE_DEV=1 .venv/bin/python -m benchmarks.matching --data /tmp/m_1m.csv --lookups 10000 \
        --peer splink --peer-normalised
    # PostgreSQL instead of SQLite in a temporary folder:
    createdb -h 127.0.0.1 -U postgres kasane_match
    KASANE_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kasane_match .venv/bin/python -m benchmarks.matching --data ...

CSV (UTF-8): record_id,entity_id,family_name,given_name,family_kana,given_kana,birth_date,sex,postal_code,
address,phone — entity_id is the truth, kana may be empty, birth_date ISO 8601. The first record of each
entity is loaded as a person (timed: "indexing" = keys computed in Python + rows written in bulk with the
table's secondary indexes dropped + indexes created again); every later record (or a seeded sample of
--lookups N of them) is looked up with the engine (timed one by one). A pair (record, person) is predicted when the person is a
candidate of outcome 同一人物の可能性が高い (score ≥ matching.HIGH); precision, recall and F1 are over those
pairs against the truth. The last line printed is one JSON object.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("KASANE_VAR_DIR", tempfile.mkdtemp(prefix="kasane-match-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching", description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="CSV of records with ground truth")
    parser.add_argument("--peer", choices=["splink"], help="also link the same data with this peer")
    parser.add_argument(
        "--peer-labels",
        action="store_true",
        help="train the peer's m probabilities from the truth (entity_id) instead of EM: its best case",
    )
    parser.add_argument(
        "--peer-normalised",
        action="store_true",
        help="also run the peer on kasane's normalised fields (name/kana/address/phone keys): "
        "separates normalisation from scoring",
    )
    parser.add_argument(
        "--peer-one-name",
        action="store_true",
        help="the peer compares the name once (kanji) instead of kanji and kana as two independent comparisons",
    )
    parser.add_argument(
        "--lookups",
        type=int,
        metavar="N",
        help="look up a seeded random sample of N variant records (default: all); prints its 95 %% intervals",
    )
    parser.add_argument("--generate", type=int, metavar="N", help="write a synthetic population of N persons")
    parser.add_argument(
        "--variants", type=float, default=0.1, help="variant records per person (default 0.1)"
    )
    parser.add_argument("--out", help="where --generate writes (default: --data)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (args.data or args.generate):
        parser.error("--data FILE か --generate N を指定してください。")
    if args.generate:
        from .generate import generate

        out = args.out or args.data
        if not out:
            parser.error("--generate には --out FILE（または --data FILE）が必要です。")
        generate(out, args.generate, args.variants, args.seed)
        print(
            f"wrote {out}: {args.generate:,} persons, {int(args.generate * args.variants):,} variant records"
        )
        if not args.data:
            return
    from .run import run

    run(
        args.data,
        peer=args.peer,
        peer_labels=args.peer_labels,
        lookups=args.lookups,
        seed=args.seed,
        peer_normalised=args.peer_normalised,
        peer_one_name=args.peer_one_name,
    )


if __name__ == "__main__":
    main()
