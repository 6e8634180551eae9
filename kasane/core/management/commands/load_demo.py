"""Load the demo municipality once (idempotent) and print the demo logins."""

from django.core.management.base import BaseCommand

from kasane.core.demo import demo_logins_text, load_demo


class Command(BaseCommand):
    help = "デモ用の自治体（岐阜市）と職員を登録します（2回目以降は何もしません）。"

    def handle(self, *args, **options):
        municipality, created = load_demo()
        self.stdout.write(
            f"{municipality}: " + ("デモデータを登録しました。" if created else "登録済みです。")
        )
        from kasane.practices.demo import load_library

        if count := load_library():
            self.stdout.write(f"実践ライブラリに {count} 件の報告を取り込みました（平成30年度モデル事業）。")
        self.stdout.write(demo_logins_text())
