"""`manage.py yearly_stats` in its three formats, with and without 秘匿処理, and its Japanese refusals."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from conftest import make_user
from kasane.core.roles import Role
from kasane.intake import services as intake_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(municipality, agency):
    user = make_user(municipality, "soudan", [Role.COUNSELOR], agency=agency)
    for on in (date(2024, 4, 1), date(2024, 4, 2), date(2024, 4, 3), date(2024, 5, 1), date(2025, 3, 31)):
        intake_services.intake_record(
            user=user, new_person={"family_name": "岐阜", "given_name": f"{on:%m%d}"},
            consultation={"received_on": on, "route": "visit", "consulter": "self", "response": "advice",
                          "problems": ["housing"], "main_problem": "housing"},
        )  # fmt: skip
    return municipality


def run(*args) -> str:
    out = io.StringIO()
    call_command("yearly_stats", *args, stdout=out)
    return out.getvalue()


def test_json(records):
    data = json.loads(run("--municipality", "212016", "--fiscal-year", "2024", "--format", "json"))
    rows = {r["key"]: r for r in data["rows"]}
    assert data["fiscal_year_label"] == "令和6年度"
    assert rows["consultations_real"]["total"] == 5
    assert rows["consultations_real"]["months"] == [3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert rows["consultations_by_problem.housing"]["total"] == 5


def test_json_suppressed_and_the_wareki_year(records):
    data = json.loads(run("--municipality", "212016", "--fiscal-year", "令和6年度", "--suppress"))
    rows = {r["key"]: r for r in data["rows"]}
    assert data["suppressed"] is True
    # 1 and 1 hidden beside the 年度計 5 would both be 1: April's 3 is hidden with them (二次秘匿).
    assert rows["consultations_real"]["months"] == ["*", "*", 0, 0, 0, 0, 0, 0, 0, 0, 0, "*"]
    assert rows["consultations_real"]["total"] == 5


def test_csv_has_a_bom_and_the_table(records, tmp_path):
    target = tmp_path / "stats.csv"
    message = run(
        "--municipality", "212016", "--fiscal-year", "2024", "--format", "csv", "--output", str(target)
    )
    assert "stats.csv" in message
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["区分", "項目", "年度計", "4月"]
    real = next(r for r in table if r[1] == "新規相談（実数）")
    assert real[2:] == ["5", "3", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"]
    assert run("--municipality", "212016", "--fiscal-year", "2024", "--format", "csv").startswith(
        "\ufeff区分"
    )


def test_xlsx(records, tmp_path):
    target = tmp_path / "stats.xlsx"
    run(
        "--municipality",
        "212016",
        "--fiscal-year",
        "2024",
        "--format",
        "xlsx",
        "--output",
        str(target),
        "--suppress",
    )
    sheet = load_workbook(target).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["新規相談（実数）"][2:5] == (5, "*", "*")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "999999", "--fiscal-year", "2024"], "自治体は登録されていません"),
        (["--municipality", "212016", "--fiscal-year", "二〇二四"], "年度の形式が正しくありません"),
        (["--municipality", "212016", "--fiscal-year", "平成40年度"], "存在しません"),
        (["--municipality", "212016", "--fiscal-year", "0"], "年度"),
    ],
)
def test_bad_input_is_a_japanese_error(records, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
