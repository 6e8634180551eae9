"""The same records through splink (DuckDB backend), a general-purpose probabilistic record linkage.

splink gets the CSV fields with the cleaning any user would do (NFKC: full-width digits and half-width kana
folded; phone as digits; empty as null) but none of kasane's Japanese folding (variant kanji, kana forms,
readings, addresses). The model: names (forename/surname comparison, which also scores swapped names) in
kanji and in kana, date of birth, address, phone, postal code, sex; λ from deterministic rules, u by random
sampling, m by EM on two blockings. Records on file are linked to the query records (link_only).

With `normalised=True` splink gets instead the fields as kasane folds them before scoring (the functions of
kasane.people: name_key, kana_key, address_key, phone_key; a full name typed into one field split at its
first space as matching._split does; the reading estimated from the kanji when a record has no フリガナ,
as kasane's reading_key) plus the full name and reading run together, so that the comparison separates
normalisation (the same inputs) from scoring (splink's Fellegi–Sunter model vs kasane's rules). Its model:
the same comparisons, the forename/surname ones with a level for the names run together, and more
blocking rules (the full name, the full reading, birth date + sex) so that blocking loses few records.

With `one_name=True` the name is one comparison (the kanji name, forename/surname) instead of two: kanji
and kana are read as independent evidence by Fellegi–Sunter, but a reading follows from the kanji, so two
comparisons count the same agreement twice and every namesake looks like a match."""

import functools
import re
import time
import unicodedata

import duckdb
import pyarrow as pa

FIELDS = ["family_name", "given_name", "family_kana", "given_kana", "birth_date", "sex", "postal_code", "address",
          "phone"]  # fmt: skip


def _clean(rows: list[dict]) -> pa.Table:
    columns = {"unique_id": [r["record_id"] for r in rows], "entity_id": [r["entity_id"] for r in rows]}
    for field in FIELDS:
        values = []
        for r in rows:
            value = r[field]
            value = (
                value.isoformat()
                if hasattr(value, "isoformat")
                else unicodedata.normalize("NFKC", value or "")
            )
            value = re.sub(r"\s+", "", value)
            if field == "phone":
                value = re.sub(r"\D", "", value)
            values.append(value or None)
        columns[field] = values
    return pa.table(columns)


def _normalised(rows: list[dict]) -> pa.Table:
    from kasane.people.address import address_key
    from kasane.people.matching import _split
    from kasane.people.names import kana_key, name_key
    from kasane.people.phones import phone_key
    from kasane.people.readings import estimated_reading

    folded = {k: functools.cache(f) for k, f in (("name", name_key), ("kana", kana_key),
              ("reading", estimated_reading), ("address", address_key), ("phone", phone_key))}  # fmt: skip
    columns = {k: [] for k in ("unique_id", "entity_id", *FIELDS, "full_name", "full_kana")}
    for r in rows:
        family, given = _split(r["family_name"], r["given_name"])
        family_kana, given_kana = _split(r["family_kana"], r["given_kana"])
        family_kana, given_kana = folded["kana"](family_kana), folded["kana"](given_kana)
        if not (family_kana or given_kana):  # the reading estimated from the kanji: a hint, as in kasane
            family_kana, given_kana = folded["reading"](family), folded["reading"](given)
        family, given = folded["name"](family), folded["name"](given)
        born = r["birth_date"]
        values = {"unique_id": r["record_id"], "entity_id": r["entity_id"], "family_name": family,
                  "given_name": given, "family_kana": family_kana, "given_kana": given_kana,
                  "birth_date": born.isoformat() if born else "", "sex": r["sex"],
                  "postal_code": re.sub(r"\D", "", unicodedata.normalize("NFKC", r["postal_code"] or "")),
                  "address": folded["address"](r["address"] or ""), "phone": folded["phone"](r["phone"] or ""),
                  "full_name": family + given, "full_kana": family_kana + given_kana}  # fmt: skip
        for key, value in values.items():
            columns[key].append(value or None)
    return pa.table(columns)


def link(
    on_file: list[dict],
    queries: list[dict],
    supervised: bool = False,
    normalised: bool = False,
    sample: set[str] | None = None,
    one_name: bool = False,
) -> dict:
    """splink's precision, recall and F1 at match probability 0.5 over all queries (and, with `sample`, over
    those query record ids only), its best F1 over thresholds, and its training and prediction seconds."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    clean = _normalised if normalised else _clean
    on_file_rows, query_rows = clean(on_file), clean(queries)  # noqa: F841 (read by DuckDB by name)
    con.execute("CREATE TABLE on_file AS SELECT * FROM on_file_rows")
    con.execute("CREATE TABLE queries AS SELECT * FROM query_rows")
    db_api = DuckDBAPI(con)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.ForenameSurnameComparison(
                "given_name",
                "family_name",
                forename_surname_concat_col_name="full_name" if normalised else None,
            ),
            *(
                []
                if one_name
                else [
                    cl.ForenameSurnameComparison(
                        "given_kana",
                        "family_kana",
                        forename_surname_concat_col_name="full_kana" if normalised else None,
                    )
                ]
            ),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postal_code"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("family_kana", "given_kana"),
            block_on("family_name", "given_name"),
            block_on("given_kana", "birth_date"),
            block_on("given_name", "birth_date"),
            block_on("family_kana", "birth_date"),
            block_on("phone"),
            *(
                [block_on("full_name"), block_on("full_kana"), block_on("birth_date", "sex")]
                if normalised
                else []
            ),
        ],
        additional_columns_to_retain=["entity_id"],
        retain_matching_columns=False,
    )
    linker = Linker([db_api.register("on_file"), db_api.register("queries")], settings, log_level=30)
    started, em_failed = time.perf_counter(), []
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    if supervised:  # m from the truth: the best splink can do with this model, not a fair fight
        linker.training.estimate_m_from_label_column("entity_id")
    else:
        for rule in (block_on("birth_date"), block_on("family_kana", "given_kana")):
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
            except ValueError as error:  # splink refuses an m probability that EM drove to exactly 0
                em_failed.append(str(error)[:120])
                print(f"splink: an EM session failed, its estimates are not kept: {error}"[:200])
    training = time.perf_counter() - started
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    found = con.execute(
        f"SELECT match_probability, entity_id_l = entity_id_r, unique_id_l, unique_id_r "
        f"FROM {predictions.physical_name}"
    ).fetchall()
    predicting = time.perf_counter() - started
    query_ids = {r["record_id"] for r in queries}
    pairs = [(p, same, left if left in query_ids else right) for p, same, left, right in found]

    def at(threshold: float, within: set[str] | None = None) -> dict:
        kept = [(p, same) for p, same, q in pairs if p >= threshold and (within is None or q in within)]
        tp = sum(1 for _, same in kept if same)
        fp = len(kept) - tp
        wanted = len(queries) if within is None else len(within)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / wanted if wanted else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    # 0.05 … 0.95, then the tail: at 1M the probabilities of true and false pairs both crowd near 1.
    sweep = [round(0.05 * i, 2) for i in range(1, 20)] + [0.99, 0.999, 0.9999, 0.99999, 0.999999, 0.9999999]
    best = max(sweep, key=lambda t: at(t)["f1"])
    out = {**at(0.5), "threshold": 0.5, "best_f1": at(best)["f1"], "best_threshold": best,
           "training_s": round(training, 1), "predict_s": round(predicting, 1), "pairs": len(pairs),
           "em_failed": len(em_failed)}  # fmt: skip
    if sample is not None:
        out["sample"] = at(0.5, sample)
    return out
