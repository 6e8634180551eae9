"""The same records through splink (DuckDB backend), a general-purpose probabilistic record linkage.

splink gets the CSV fields with the cleaning any user would do (NFKC: full-width digits and half-width kana
folded; phone as digits; empty as null) but none of kasane's Japanese folding (variant kanji, kana forms,
readings, addresses). The model: names (forename/surname comparison, which also scores swapped names) in
kanji and in kana, date of birth, address, phone, postal code, sex; λ from deterministic rules, u by random
sampling, m by EM on two blockings. Records on file are linked to the query records (link_only)."""

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


def link(on_file: list[dict], queries: list[dict], supervised: bool = False) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    on_file_rows, query_rows = _clean(on_file), _clean(queries)  # noqa: F841 (read by DuckDB by name)
    con.execute("CREATE TABLE on_file AS SELECT * FROM on_file_rows")
    con.execute("CREATE TABLE queries AS SELECT * FROM query_rows")
    db_api = DuckDBAPI(con)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.ForenameSurnameComparison("given_name", "family_name"),
            cl.ForenameSurnameComparison("given_kana", "family_kana"),
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
        ],
        additional_columns_to_retain=["entity_id"],
        retain_matching_columns=False,
    )
    linker = Linker([db_api.register("on_file"), db_api.register("queries")], settings, log_level=30)
    started = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    if supervised:  # m from the truth: the best splink can do with this model, not a fair fight
        linker.training.estimate_m_from_label_column("entity_id")
    else:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("family_kana", "given_kana")
        )
    training = time.perf_counter() - started
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    pairs = con.execute(
        f"SELECT match_probability, entity_id_l = entity_id_r FROM {predictions.physical_name}"
    ).fetchall()
    predicting = time.perf_counter() - started
    wanted = len(queries)

    def at(threshold: float) -> dict:
        tp = sum(1 for p, same in pairs if p >= threshold and same)
        fp = sum(1 for p, same in pairs if p >= threshold and not same)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / wanted if wanted else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    best = max((0.05 * i for i in range(1, 20)), key=lambda t: at(t)["f1"])
    return {**at(0.5), "threshold": 0.5, "best_f1": at(best)["f1"], "best_threshold": round(best, 2),
            "training_s": round(training, 1), "predict_s": round(predicting, 1)}  # fmt: skip
