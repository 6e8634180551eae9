"""Navigation shown on every page: the areas the user may use now, and those still to come."""

from django.urls import reverse

from . import policy, twofactor

# Areas of the case flow that later releases add; shown so users see where the platform is going.
COMING_AREAS: list[str] = []


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "municipality_id", None):
        return {}
    if twofactor.pending_step(user) is not None:
        return {}  # half signed in: no menu until the second factor is passed
    items = [("ホーム", reverse("core:home"))]
    if policy.allows(user, "casework"):
        items.append(("相談受付", reverse("intake:consultation_list")))
        items.append(("つなぐシート", reverse("intake:referral_inbox")))
        items.append(("本人・世帯", reverse("people:person_list")))
        items.append(("多機関協働", reverse("cases:case_list")))
        items.append(("会議", reverse("meetings:meeting_list")))
        items.append(("アウトリーチ", reverse("outreach:engagement_list")))
    if policy.allows(user, "directory.view"):
        # community resources and 地域づくり hold no personal data: every staff member reads them
        items.append(("社会資源", reverse("participation:resource_list")))
        items.append(("地域づくり", reverse("community:activity_list")))
        items.append(("相談機関一覧表", reverse("directory:agency_list")))
    if policy.allows(user, "aggregates.view") or policy.allows(user, "casework"):
        items.append(("評価・統計", reverse("evaluation:dashboard")))
    if policy.allows(user, "practices.view"):
        items.append(("実践ライブラリ", reverse("practices:report_list")))
    if policy.allows(user, "staff.manage"):
        items.append(("職員", reverse("core:staff_list")))
    if policy.allows(user, "tenant.configure"):
        items.append(("設定", reverse("core:tenant_settings")))
    if policy.allows(user, "audit.view"):
        items.append(("閲覧記録", reverse("core:access_log")))
    current = request.path
    matches = [url for _label, url in items if current == url or (url != "/" and current.startswith(url))]
    best = max(matches, key=len) if matches else None
    if current.startswith("/intake/referrals/"):
        best = reverse("intake:referral_inbox")
    nav = [{"label": label, "url": url, "current": url == best} for label, url in items]
    return {"nav_items": nav, "nav_coming": COMING_AREAS}
