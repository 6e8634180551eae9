"""Staff roles (several per user) and what each role is for."""

from django.db import models


class Role(models.TextChoices):
    COUNSELOR = "counselor", "相談員"
    COLLABORATION = "collaboration", "多機関協働"
    OUTREACH = "outreach", "アウトリーチ・参加支援"
    MUNICIPAL = "municipal", "市町村担当"
    ADMIN = "admin", "管理者"
    EVALUATOR = "evaluator", "評価者"


# Roles that work with personal data. An evaluator sees aggregates only, never a person.
CASEWORK_ROLES = frozenset({Role.COUNSELOR, Role.COLLABORATION, Role.OUTREACH, Role.MUNICIPAL})

ROLE_DESCRIPTIONS = {
    Role.COUNSELOR: "相談機関の相談員。相談を受け付け、他機関へつなぎます。",
    Role.COLLABORATION: "多機関協働事業者（相談支援包括化推進員など）。複雑な事例の調整とプラン作成を担います。",
    Role.OUTREACH: "アウトリーチ等・参加支援の担当者。訪問や社会資源とのマッチングを記録します。",
    Role.MUNICIPAL: "市町村の所管課職員。支援決定、支援会議の招集、統計を担います。",
    Role.ADMIN: "自治体の管理者。職員・機関・設定を管理し、閲覧記録を監査します。",
    Role.EVALUATOR: "評価者（審議会など）。集計値と進捗管理シートのみを閲覧します。個人情報は見られません。",
}
