"""What each role's home page shows: one section per role, each with the empty state it starts in."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from . import audit, policy
from .roles import Role


@dataclass
class HomeSection:
    title: str
    empty_text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    rows: list = field(default_factory=list)  # (text, url) pairs shown above the links


def home_sections(user) -> list[HomeSection]:
    directory = ("相談機関一覧表を開く", reverse("directory:agency_list"))
    by_role = {
        Role.COUNSELOR: HomeSection(
            "受け付けた相談・つなぎ",
            "相談を受け付けると、対応中の相談と、他機関からつながれた未応答のつなぐシートがここに表示されます。",
            [directory],
        ),
        Role.COLLABORATION: HomeSection(
            "多機関協働",
            "",
            [
                ("事例の一覧", reverse("cases:case_list")),
                ("会議を招集する", reverse("meetings:meeting_create")),
                ("社会資源の不足", reverse("meetings:gap_list")),
                directory,
            ],
        ),
        Role.OUTREACH: HomeSection(
            "アウトリーチ・参加支援",
            "訪問予定、連絡がとれていない方、社会資源とのマッチングのフォローアップがここに表示されます。",
        ),
        Role.MUNICIPAL: HomeSection(
            "支援決定・支援会議",
            "支援決定を待っているプランは「今日の確認」に表示されます。支援会議（法第106条の6）は市町村が招集します。",
            [
                ("支援会議を招集する", reverse("meetings:meeting_create") + "?kind=confidential"),
                ("既存の会議体", reverse("meetings:body_list")),
                directory,
            ],
        ),
        Role.ADMIN: HomeSection(
            "自治体の管理",
            "職員・相談機関・設定の管理と、閲覧記録の確認はここから行います。",
            [
                ("職員の管理", reverse("core:staff_list")),
                ("相談機関の管理", reverse("directory:agency_list")),
                ("設定", reverse("core:tenant_settings")),
                ("課題のパターン", reverse("intake:pattern_list")),
                ("相談の一括取り込み", reverse("intake:import")),
                ("閲覧・操作記録", reverse("core:access_log")),
            ],
        ),
        Role.EVALUATOR: HomeSection(
            "進捗管理・年度統計",
            "進捗管理シートと年度ごとの統計がここに表示されます。個人が特定される情報は表示されません。",
        ),
    }
    sections = [by_role[role] for role in Role if role in user.roles]
    if Role.COUNSELOR in user.roles:
        _fill_counselor_section(user, by_role[Role.COUNSELOR])
    if policy.allows(user, "casework"):
        sections.insert(0, _referral_section(user))
        sections.insert(0, _today_section(user))
    linked = {url for section in sections for _label, url in section.links}
    if policy.allows(user, "directory.view") and directory[1] not in linked:
        sections.append(HomeSection("相談機関一覧表", "", [directory]))
    return sections


def _fill_counselor_section(user, section: HomeSection) -> None:
    """Counts only (no personal data): the counter's open consultations and unanswered incoming referrals."""
    from kasane.intake.models import Consultation, Referral

    open_count = (
        policy.scope(user, Consultation).filter(policy.holder_q("agency", user), status="open").count()
    )
    waiting = policy.scope(user, Referral).filter(policy.holder_q("to_agency", user), status="sent").count()
    if open_count or waiting:
        section.empty_text = ""
        section.rows = [
            (f"対応中の相談 {open_count}件", reverse("intake:consultation_list") + "?status=open"),
            (f"応答待ちのつなぐシート（受信） {waiting}件", reverse("intake:referral_inbox")),
        ]


def _referral_section(user) -> HomeSection:
    """Unanswered referrals past their deadline: nobody is lost between counters."""
    from kasane.core.wareki import format_wareki
    from kasane.intake.selectors import overdue_referrals

    rows = []
    for row in overdue_referrals(user=user):
        r = row.referral
        who = r.person.display_name if row.visible else "（本人情報は閲覧権限なし）"
        frm = r.from_agency.name if r.from_agency else "市町村（所管課）"
        text = f"{who}：{frm} → {r.to_agency.name}（期限 {format_wareki(r.due_on)}）"
        rows.append((text, reverse("intake:referral_detail", args=[r.pk]) if row.visible else ""))
    return HomeSection(
        "応答期限を過ぎたつなぐシート",
        "" if rows else "期限までに応答のないつなぐシートがあると、ここに表示されます。",
        [
            ("受け取ったつなぐシート", reverse("intake:referral_inbox")),
            ("相談を受け付ける", reverse("intake:consultation_create")),
        ],
        rows,
    )


def _today_section(user) -> HomeSection:
    """今日の確認: monitoring due, meetings this week, plans awaiting the 支援決定, cases without contact."""
    from kasane.cases import selectors as cases
    from kasane.cases.models import CollaborationCase
    from kasane.meetings import selectors as meetings

    from .wareki import format_wareki

    rows, shown = [], []
    for m in cases.monitoring_due(user=user):
        case = m.plan.case
        late = "（予定日を過ぎています）" if m.due_on < timezone.localdate() else ""
        rows.append((f"モニタリング予定 {format_wareki(m.due_on)}{late}：{case.person.display_name}（{case.title}）",
                     reverse("cases:case_detail", args=[case.pk])))  # fmt: skip
        shown.append(case)
    for meeting in meetings.meetings_this_week(user=user):
        when = format_wareki(meeting.held_on) + (f" {meeting.starts_at:%H:%M}" if meeting.starts_at else "")
        rows.append((f"7日以内の会議 {when}：{meeting.get_kind_display()}「{meeting.title}」",
                     reverse("meetings:meeting_detail", args=[meeting.pk])))  # fmt: skip
    for case in cases.awaiting_decision(user=user):
        rows.append((f"支援決定待ちのプラン：{case.person.display_name}（{case.title}）",
                     reverse("cases:case_detail", args=[case.pk])))  # fmt: skip
        shown.append(case)
    days = user.municipality.no_contact_alert_days
    for case in cases.without_contact(user=user):
        last = format_wareki(case.last_contact_on) if case.last_contact_on else "記録なし"
        rows.append((f"{days}日以上接触のない事例（最後の接触 {last}）：{case.person.display_name}（{case.title}）",
                     reverse("cases:case_detail", args=[case.pk])))  # fmt: skip
        shown.append(case)
    if shown:
        audit.record_many(user=user, action=audit.Action.LIST, objects=list({c.pk: c for c in shown}.values()),
                          model=CollaborationCase, detail="ホーム：今日の確認")  # fmt: skip
    links = [
        ("多機関協働の事例", reverse("cases:case_list")),
        ("会議の予定", reverse("meetings:meeting_list")),
    ]
    return HomeSection(
        "今日の確認",
        ""
        if rows
        else "モニタリングの予定、7日以内の会議、支援決定待ちのプラン、接触の途絶えた事例があると、ここに表示されます。",
        links,
        rows,
    )
