"""Import persons and consultations from a CSV or .xlsx ledger: all rows or nothing (docs/IMPORT.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kasane.core.models import Municipality
from kasane.intake import imports


class Command(BaseCommand):
    help = (
        "本人と相談の記録を CSV（UTF-8／Shift_JIS）または Excel（.xlsx）から一括で取り込みます。"
        "1行でも誤りがあれば何も保存しません。列の一覧は docs/IMPORT.md を参照してください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="取り込むファイル（.csv または .xlsx）")
        parser.add_argument(
            "--municipality", required=True, help="取り込み先の自治体の地方公共団体コード（6桁）"
        )
        parser.add_argument("--dry-run", action="store_true", help="確認だけ行い、何も保存しません")

    def handle(self, *args, file, municipality, dry_run, **options):
        tenant = Municipality.objects.filter(code=municipality.strip()).first()
        if tenant is None:
            raise CommandError(f"地方公共団体コード「{municipality}」の自治体は登録されていません。")
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > imports.MAX_BYTES:  # refuse before reading it into memory
                raise CommandError(
                    f"ファイルが大きすぎます（{size / 1024 / 1024:.1f}MB）。"
                    f"{imports.MAX_BYTES // 1024 // 1024}MB 以下に分けて取り込んでください。"
                )
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise CommandError(f"ファイル「{file}」を開けません。") from None
        try:
            rows = imports.parse_file(path.name, data)
        except imports.ImportFileError as exc:
            raise CommandError(exc.message) from None
        plan = imports.validate(rows, tenant)
        if plan.errors:
            raise CommandError(_error_report(plan.errors))
        for note in plan.notes():
            self.stdout.write(note)
        if dry_run:
            self.stdout.write(
                f"確認のみ：エラーはありません。本人 新規{plan.new_person_count}人・登録済み{plan.reused_person_count}人、"
                f"相談 {plan.consultation_count}件を取り込めます（何も保存していません）。"
            )
            return
        try:
            result = imports.apply(plan, municipality=tenant, actor=imports.DEFAULT_ACTOR, source=path.name)
        except imports.ImportRejected as exc:
            raise CommandError(_error_report(exc.errors)) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))


def _error_report(errors) -> str:
    lines = [f"取り込みを中止しました（エラー {len(errors)}件）。何も保存していません。"]
    lines += [str(e) for e in errors]
    return "\n".join(lines)
