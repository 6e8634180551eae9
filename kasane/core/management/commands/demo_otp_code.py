"""Print the current TOTP code of a demo user (demo data only: its key is public)."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from kasane.core.demo import DEMO_TOTP_KEY_HEX, current_demo_code


class Command(BaseCommand):
    help = "デモ用職員の現在の2段階認証コードを表示します（デモ用の鍵を持つ端末のみ）。"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="admin")

    def handle(self, *args, username, **options):
        if not TOTPDevice.objects.filter(user__username=username, key=DEMO_TOTP_KEY_HEX).exists():
            raise CommandError("デモ用の認証端末を持つ職員ではありません。")
        self.stdout.write(current_demo_code(username))
