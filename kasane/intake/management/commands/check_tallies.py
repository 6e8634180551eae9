"""Recount the monthly tallies of consultations and problems (kept by database triggers) and compare."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from kasane.intake import tally_sql

NAMES = {"intake_consultationtally": "相談の月別件数", "intake_problemtally": "課題の月別件数"}


class Command(BaseCommand):
    help = (
        "統計に使う月別件数（相談・課題）を記録から数え直し、保存されている件数と照合します。"
        "件数はデータベースのトリガーが記録の追加・変更・削除のたびに更新します。"
        "--repair を付けると数え直した件数で置き換えます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="食い違いがあれば数え直した件数で置き換えます"
        )

    def handle(self, *args, repair, **options):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # One snapshot for the recount and the stored counts (no false alarm from a save in between);
                # a repair first stops writers (SHARE) so that no key appears between its DELETE and INSERT.
                with connection.cursor() as cursor:
                    if outermost:  # (inside a caller's transaction its snapshot rules)
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    if repair:
                        sources = ", ".join(t.source for t in tally_sql.TALLIES)
                        cursor.execute(f"LOCK TABLE {sources} IN SHARE MODE")
            found = tally_sql.differences(connection)
            total = sum(len(rows) for rows in found.values())
            for table, rows in found.items():
                self.stdout.write(f"{NAMES[table]}: 食い違い {len(rows)} 件")
                for row in rows[:20]:
                    *key, stored, counted = row
                    self.stdout.write(f"  {tuple(key)}: 保存 {stored} / 記録 {counted}")
            if not total:
                self.stdout.write("食い違いはありません。")
                return
            if repair:
                tally_sql.rebuild(connection)
                self.stdout.write("数え直した件数で置き換えました。")
                return
        raise CommandError("月別件数が記録と食い違っています。--repair で数え直してください。")
