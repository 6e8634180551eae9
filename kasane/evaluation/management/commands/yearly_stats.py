"""`manage.py yearly_stats`: one municipality's yearly statistics (年度) as JSON, CSV or .xlsx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kasane.core.models import Municipality
from kasane.core.wareki import WarekiError, parse_fiscal_year
from kasane.evaluation import statistics


class Command(BaseCommand):
    help = (
        "年度の実績統計（相談・つなぎ・多機関協働・会議など）を記録から集計し、JSON・CSV（UTF-8 BOM付き）・"
        "Excel（.xlsx）で出力します。--suppress で1〜2件などの少数を「*」にします（秘匿処理）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
        parser.add_argument("--fiscal-year", required=True, help="年度（例：2024、令和6年度）")
        parser.add_argument("--format", choices=statistics.FORMATS, default="json", help="出力形式")
        parser.add_argument("--output", help="出力先のファイル（省略時は標準出力。xlsx は既定のファイル名）")
        parser.add_argument(
            "--suppress", action="store_true", help="秘匿処理を行う（自治体の設定の件数未満を「*」）"
        )

    def handle(self, *args, municipality, fiscal_year, format, output, suppress, **options):
        tenant = Municipality.objects.filter(code=(municipality or "").strip()).first()
        if tenant is None:
            raise CommandError(f"地方公共団体コード「{municipality}」の自治体は登録されていません。")
        try:
            fy = parse_fiscal_year(fiscal_year)
        except WarekiError as exc:
            raise CommandError(str(exc)) from None
        result = statistics.yearly_statistics(municipality=tenant, fiscal_year=fy, suppress=suppress)
        data = statistics.export_bytes(result, format)
        if output is None and format != "xlsx":
            self.stdout.write(data.decode("utf-8"), ending="\n")  # CSV keeps its BOM
            return
        path = Path(output or statistics.export_filename(result, format))
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"ファイル「{path}」に書き込めません（{exc.strerror}）。") from None
        self.stdout.write(
            self.style.SUCCESS(f"{tenant} {result.fiscal_label}の実績統計を {path} に出力しました。")
        )
