"""Register a municipality (tenant) and its first admin; the admin then manages everything in the app."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kasane.core.models import Municipality, StaffRole, User
from kasane.core.roles import Role
from kasane.core.validators import validate_municipality_code


class Command(BaseCommand):
    help = "自治体と最初の管理者を登録します。"

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="自治体名（例：岐阜市）")
        parser.add_argument("--prefecture", required=True, help="都道府県（例：岐阜県）")
        parser.add_argument("--code", required=True, help="全国地方公共団体コード（6桁）")
        parser.add_argument("--admin", required=True, help="最初の管理者のログインID")
        parser.add_argument("--password", help="省略すると入力を求めます")

    def handle(self, *args, name, prefecture, code, admin, password, **options):
        try:
            validate_municipality_code(code)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        if Municipality.objects.filter(code=code).exists():
            raise CommandError("この地方公共団体コードの自治体は既に登録されています。")
        if User.objects.filter(username=admin).exists():
            raise CommandError("このログインIDは既に使われています。")
        password = password or getpass.getpass("管理者のパスワード: ")
        with transaction.atomic():
            municipality = Municipality.objects.create(name=name, prefecture=prefecture, code=code)
            user = User(username=admin, municipality=municipality, is_staff=True)
            user.set_password(password)
            user.save()
            StaffRole.objects.create(user=user, role=Role.ADMIN)
        self.stdout.write(
            f"{municipality} と管理者 {admin} を登録しました。初回ログイン時に2段階認証を設定します。"
        )
