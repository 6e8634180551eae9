"""Write the practice library as JSON (one object per report; field names in docs/PRACTICES.md)."""

import json

from django.core.management.base import BaseCommand

from kasane.practices import selectors


class Command(BaseCommand):
    help = "実践ライブラリを JSON で出力します（1報告1オブジェクト、数値は数値。項目は docs/PRACTICES.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json", help="出力形式（json）")
        parser.add_argument("--output", "-o", help="出力先ファイル（省略時は標準出力）")

    def handle(self, *args, **options):
        text = json.dumps(selectors.export_data(), ensure_ascii=False, indent=2)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as f:
                f.write(text + "\n")
            return
        self.stdout.write(text)
