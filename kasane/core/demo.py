"""The demo municipality (岐阜市, with its public agency table) and demo staff covering every role."""

import base64

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Municipality, StaffRole, User
from .roles import Role

DEMO_CODE = "212016"
DEMO_PASSWORD = "kasane-demo-2026"
# A fixed TOTP key so that the demo admin's code can be shown by `manage.py demo_otp_code`.
DEMO_TOTP_KEY_HEX = "6b6173616e652d64656d6f2d746f74702d6b6579"

DEMO_STAFF = [
    # username, last, first, agency name or None (市町村), section, roles
    ("admin", "管理", "太郎", None, "福祉政策課", [Role.ADMIN, Role.MUNICIPAL]),
    ("shichoson", "市川", "恵子", None, "重層的支援推進室", [Role.MUNICIPAL]),
    ("houkatsu", "包川", "花子", "地域包括支援センター", "", [Role.COUNSELOR]),
    ("seikatsu", "生田", "健一", "生活・就労サポートセンター", "", [Role.COUNSELOR]),
    ("marugoto", "丸山", "美咲", "福祉まるごと支援員", "", [Role.COLLABORATION]),
    ("outreach", "外山", "誠", "コミュニティソーシャルワーカー ※モデル事業", "", [Role.OUTREACH]),
    ("hyoka", "評田", "一郎", None, "地域福祉推進会議", [Role.EVALUATOR]),
]


@transaction.atomic
def load_demo() -> tuple[Municipality, bool]:
    """Create the demo municipality once; a second call changes nothing and returns created=False."""
    from kasane.directory import demo_agencies
    from kasane.directory.models import Agency
    from kasane.directory.services import theme_ensure
    from kasane.intake.demo import load_nagano
    from kasane.intake.models import DEFAULT_PATTERNS
    from kasane.intake.services import patterns_ensure

    municipality, created = Municipality.objects.get_or_create(
        code=DEMO_CODE, defaults={"name": "岐阜市", "prefecture": "岐阜県"}
    )
    if not created:
        return municipality, False
    patterns_ensure(municipality_id=municipality.pk, names=DEFAULT_PATTERNS)
    themes = {t.name: t for t in theme_ensure(municipality_id=municipality.pk, names=demo_agencies.THEMES)}
    for row in demo_agencies.AGENCIES:
        fields = {k: v for k, v in row.items() if k != "themes"}
        agency = Agency.objects.create(municipality=municipality, **fields)
        agency.themes.set([themes[name] for name in row["themes"]])
        agency.refresh_search_text()
        agency.save(update_fields=["search_text"])
    agencies = {a.name: a for a in Agency.objects.filter(municipality=municipality)}
    for username, last, first, agency_name, section, roles in DEMO_STAFF:
        user = User(
            username=username,
            last_name=last,
            first_name=first,
            municipality=municipality,
            agency=agencies[agency_name] if agency_name else None,
            section=section,
            email=f"{username}@example.invalid",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
        if Role.ADMIN in roles:
            TOTPDevice.objects.create(
                user=user, name="デモ用認証アプリ", key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
    # Gifu runs its 重層的支援会議 under art. 106-6 and still asks the person's consent (DOMAIN §5).
    municipality.plan_meeting_legal_basis = "社会福祉法第106条の6（本人同意を得て開催）"
    municipality.save(update_fields=["plan_meeting_legal_basis"])
    from kasane.meetings.services import bodies_ensure

    bodies_ensure(municipality.pk)
    from kasane.cases.demo import load_gifu_cases

    load_gifu_cases(municipality)
    load_nagano(DEMO_PASSWORD)
    return municipality, True


def current_demo_code(username: str = "admin") -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def demo_logins_text() -> str:
    key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")
    lines = ["デモ用ログイン（岐阜市・パスワードは全員 " + DEMO_PASSWORD + "）:"]
    for username, last, first, agency_name, section, roles in DEMO_STAFF:
        where = agency_name or f"市・{section}"
        lines.append(f"  {username:<10} {last} {first}  {'・'.join(Role(r).label for r in roles)}（{where}）")
    lines.append("  長野市（長野さん一家）: nagano-houkatsu（地域包括）, nagano-maisabo（まいさぼ長野市）,")
    lines.append("    nagano-shogai（障害者支援センター）, nagano-kodomo（こども総合支援センター）,")
    lines.append(
        "    nagano-kyodo（多機関協働・まいさぼ長野市）, nagano-shichoson（市・福祉政策課：支援決定・支援会議）"
    )
    lines.append("  admin は2段階認証が必要です。認証コード: .venv/bin/python manage.py demo_otp_code")
    lines.append(f"  （認証アプリに登録する場合のキー: {key}）")
    return "\n".join(lines)
