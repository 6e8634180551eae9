"""Import the FY2018 model-project compilation (seed 004) into the practice library, replacing what was there."""

from django.core.management.base import BaseCommand, CommandError

from kasane.core.errors import DomainError
from kasane.practices import services


class Command(BaseCommand):
    help = "厚生労働省のモデル事業報告集（平成30年度）のテキストを実践ライブラリに取り込みます（全件を置き換え）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="報告集のテキストファイル（UTF-8）")

    def handle(self, *args, **options):
        try:
            text = services.read_source(options["file"])
            count = services.reports_import(text=text, source_name=options["file"].rsplit("/", 1)[-1])
        except DomainError as exc:
            raise CommandError(f"取り込めませんでした（何も変更していません）: {exc.message}") from None
        self.stdout.write(f"実践ライブラリに {count} 件の報告を取り込みました。")
