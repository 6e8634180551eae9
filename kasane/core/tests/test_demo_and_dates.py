from datetime import date

import pytest
from django.core.management import call_command
from django.template import Context, Template

from kasane.core.demo import DEMO_CODE, current_demo_code, load_demo
from kasane.core.forms import JapaneseDateField
from kasane.core.models import Municipality, User
from kasane.core.roles import Role
from kasane.directory.models import Agency


def test_the_demo_loads_once_and_covers_every_role(db):
    _m, created = load_demo()
    assert created
    counts = (User.objects.count(), Agency.objects.count())
    _m, created_again = load_demo()
    assert not created_again
    assert (User.objects.count(), Agency.objects.count()) == counts
    roles = set().union(*(u.roles for u in User.objects.all()))
    assert roles == set(Role)
    gifu = Municipality.objects.get(code=DEMO_CODE)
    assert Agency.objects.filter(municipality=gifu, name="地域包括支援センター", site_count=19).exists()
    assert Agency.objects.filter(municipality=gifu, name="ひきこもり相談室").exists()
    assert len(current_demo_code()) == 6


def test_the_load_demo_command_prints_the_logins(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "admin" in out and "kasane-demo-2026" in out and "評価者" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-04-01", date(2024, 4, 1)), ("2024/4/1", date(2024, 4, 1)), ("令和6年4月1日", date(2024, 4, 1)),
     ("R6.4.1", date(2024, 4, 1)), ("令和元年5月1日", date(2019, 5, 1))],
)  # fmt: skip
def test_date_inputs_accept_western_and_japanese_forms(text, expected):
    assert JapaneseDateField().clean(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("令和0年1月1日", "令和0年"),
        ("平成32年1月1日", "平成32年"),
        ("2024年2月30日", "2月30日"),
        ("あした", "形式"),
    ],
)
def test_impossible_dates_get_japanese_messages(text, message):
    from django.forms import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        JapaneseDateField().clean(text)
    assert message in excinfo.value.messages[0]


def test_templates_show_wareki_and_fiscal_years():
    rendered = Template("{{ d|wareki_date }} {{ d|wareki_date:'short' }} {{ d|fiscal_year_label }}").render(
        Context({"d": date(2025, 3, 31)})
    )
    assert rendered == "令和7年3月31日 R7.3.31 令和6年度"


def test_setup_municipality_registers_a_tenant_and_its_admin(db):
    from django.core.management.base import CommandError

    call_command(
        "setup_municipality",
        name="上田市",
        prefecture="長野県",
        code="202037",
        admin="ueda",
        password="x" * 12,
    )
    assert User.objects.get(username="ueda").roles == {Role.ADMIN}
    with pytest.raises(CommandError, match="検査数字"):
        call_command(
            "setup_municipality", name="x", prefecture="x", code="202038", admin="y", password="x" * 12
        )


def test_a_stored_date_is_shown_in_wareki_in_date_inputs():
    from django import forms

    class F(forms.Form):
        d = JapaneseDateField()

    assert 'value="令和6年4月1日"' in str(F(initial={"d": date(2024, 4, 1)})["d"])
