"""The SQL behind the tallies (`ConsultationTally`, `ProblemTally`): row triggers that keep each monthly count
equal to the number of records with its key, on SQLite and PostgreSQL, and the recount that fills or checks them.

A tally row's key is computed from a source row (`NEW` / `OLD` in a trigger, the table itself in a recount). An
insert adds 1 to its key's row (creating it), a delete subtracts 1, an update that changes a key column moves 1
from the old key to the new one. Installed by migration intake/0005; `check_tallies` compares with a recount.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    table: str  # the tally table
    source: str  # the counted table
    key: dict[str, str]  # tally column → expression over the source row "{R}" (month: see `_month`)
    watched: tuple[str, ...]  # the source columns the key reads


def _month(vendor: str, column: str) -> str:
    if vendor == "sqlite":  # dates are stored as 'YYYY-MM-DD'
        return f"substr({column}, 1, 8) || '01'"
    return f"date_trunc('month', {column}::timestamp)::date"


TALLIES = (
    Tally(
        table="intake_consultationtally",
        source="intake_consultation",
        key={
            "municipality_id": "{R}.municipality_id",
            "month": "MONTH({R}.received_on)",
            "agency_key": "COALESCE({R}.agency_id, 0)",
            "route": "{R}.route",
            "consulter": "{R}.consulter",
            "follow_up": "({R}.first_consultation_id IS NOT NULL)",
        },
        watched=(
            "municipality_id",
            "received_on",
            "agency_id",
            "route",
            "consulter",
            "first_consultation_id",
        ),
    ),
    Tally(
        table="intake_problemtally",
        source="intake_consultationproblem",
        key={
            "municipality_id": "{R}.municipality_id",
            "month": "MONTH({R}.received_on)",
            "agency_key": "COALESCE({R}.agency_id, 0)",
            "problem": "{R}.problem",
            "follow_up": "{R}.follow_up",
        },
        watched=("municipality_id", "received_on", "agency_id", "problem", "follow_up"),
    ),
)


def _exprs(tally: Tally, vendor: str, row: str) -> list[str]:
    out = []
    for expr in tally.key.values():
        expr = expr.replace("{R}", row)
        if expr.startswith("MONTH("):
            expr = _month(vendor, expr[len("MONTH(") : -1])
        out.append(expr)
    return out


def _increment(tally: Tally, vendor: str, row: str) -> str:
    columns = ", ".join(tally.key)
    target = "n" if vendor == "sqlite" else f"{tally.table}.n"
    return (
        f"INSERT INTO {tally.table} ({columns}, n) VALUES ({', '.join(_exprs(tally, vendor, row))}, 1) "
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {target} + 1"
    )


def _decrement(tally: Tally, vendor: str, row: str) -> str:
    match = " AND ".join(
        f"{column} = {expr}" for column, expr in zip(tally.key, _exprs(tally, vendor, row), strict=True)
    )
    return f"UPDATE {tally.table} SET n = n - 1 WHERE {match}"


def _name(tally: Tally) -> str:
    return tally.table.removeprefix("intake_")


def install(vendor: str) -> list[str]:
    """The statements that create the triggers of every tally."""
    statements = []
    for tally in TALLIES:
        name = _name(tally)
        if vendor == "sqlite":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in tally.watched)
            statements += [
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {tally.source} "
                f"BEGIN {_increment(tally, vendor, 'NEW')}; END",
                f"CREATE TRIGGER {name}_delete AFTER DELETE ON {tally.source} "
                f"BEGIN {_decrement(tally, vendor, 'OLD')}; END",
                f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(tally.watched)} ON {tally.source} "
                f"WHEN {changed} BEGIN {_decrement(tally, vendor, 'OLD')}; {_increment(tally, vendor, 'NEW')}; END",
            ]
        else:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in tally.watched)
            statements += [
                f"CREATE OR REPLACE FUNCTION {name}_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP <> 'INSERT' THEN {_decrement(tally, vendor, 'OLD')}; END IF; "
                f"IF TG_OP <> 'DELETE' THEN {_increment(tally, vendor, 'NEW')}; END IF; "
                "RETURN NULL; END $$",
                # TRUNCATE fires no row trigger: it empties the tally with it (Django's flush truncates both).
                f"CREATE OR REPLACE FUNCTION {name}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"DELETE FROM {tally.table}; RETURN NULL; END $$",
                f"CREATE TRIGGER {name}_insert_delete AFTER INSERT OR DELETE ON {tally.source} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}_count()",
                f"CREATE TRIGGER {name}_update AFTER UPDATE ON {tally.source} "
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}_count()",
                f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {tally.source} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_truncate()",
            ]
    return statements


def reinstall(vendor: str) -> list[str]:
    """Drop and create the triggers (idempotent). Run after every `migrate` (intake.apps): on SQLite a
    migration that alters intake_consultation or its problem rows rebuilds the table, which drops its triggers
    silently; the tallies would then stop counting."""
    return uninstall(vendor, functions=False) + install(vendor)


def uninstall(vendor: str, *, functions: bool = True) -> list[str]:
    statements = []
    for tally in TALLIES:
        name = _name(tally)
        if vendor == "sqlite":
            statements += [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in ("insert", "delete", "update")]
        else:
            statements += [
                f"DROP TRIGGER IF EXISTS {name}_{op} ON {tally.source}"
                for op in ("insert_delete", "update", "truncate")
            ]
            if functions:
                statements += [f"DROP FUNCTION IF EXISTS {name}_{fn}()" for fn in ("count", "truncate")]
    return statements


def recount(tally: Tally, vendor: str) -> str:
    """SELECT key…, count: the tally as the records give it now (the key columns in the tally's order)."""
    positions = ", ".join(str(i + 1) for i in range(len(tally.key)))
    return (
        f"SELECT {', '.join(_exprs(tally, vendor, 's'))}, COUNT(*) FROM {tally.source} s GROUP BY {positions}"
    )


def fill(tally: Tally, vendor: str) -> str:
    """Rewrites the tally from a recount (the migration's backfill; `check_tallies --repair`)."""
    return f"INSERT INTO {tally.table} ({', '.join(tally.key)}, n) {recount(tally, vendor)}"


def _normal(row) -> tuple:
    """A key as both databases return it (SQLite: month as text, follow-up as 0/1)."""
    out = []
    for value in row:
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        out.append(value)
    return tuple(out)


def differences(connection) -> dict[str, list[tuple]]:
    """Per tally, the keys whose stored count differs from a recount: (key…, stored, recounted)."""
    result = {}
    with connection.cursor() as cursor:
        for tally in TALLIES:
            cursor.execute(recount(tally, connection.vendor))
            counted = {_normal(row[:-1]): row[-1] for row in cursor.fetchall()}
            cursor.execute(f"SELECT {', '.join(tally.key)}, n FROM {tally.table} WHERE n <> 0")
            stored = {_normal(row[:-1]): row[-1] for row in cursor.fetchall()}
            result[tally.table] = [
                (*key, stored.get(key, 0), counted.get(key, 0))
                for key in sorted(stored.keys() | counted.keys(), key=repr)
                if stored.get(key, 0) != counted.get(key, 0)
            ]
    return result


def rebuild(connection) -> None:
    """Rewrites every tally from a recount (call inside a transaction: readers see the old or the new counts)."""
    with connection.cursor() as cursor:
        for tally in TALLIES:
            cursor.execute(f"DELETE FROM {tally.table}")
            cursor.execute(fill(tally, connection.vendor))
