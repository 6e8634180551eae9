"""The areas and check items of the アセスメント (modelled on the インテーク・アセスメントシート of the national
自治体事務マニュアル and the 生活困窮者自立支援 common assessment tool; DOMAIN §4 "The forms behind the flow").

Stored on each member's entry as {area code: {"items": [item code, …], "note": "…"}}. Codes are stable: a
national schema can be mapped onto them; labels may be reworded.
"""

AREAS: dict[str, tuple[str, dict[str, str]]] = {
    "health": ("健康・医療", {
        "illness": "治療中の病気がある", "untreated": "受診が必要だが受診していない", "mental": "こころの不調がある",
        "medication": "服薬の管理が難しい", "insurance": "健康保険に未加入・滞納がある",
    }),
    "disability": ("障害", {
        "certificate": "障害者手帳がある", "suspected": "障害が疑われるが未診断", "services": "障害福祉サービスを利用している",
    }),
    "care": ("介護", {
        "certified": "要介護・要支援の認定がある", "unmet": "介護が必要だがサービスを使っていない",
        "caregiver_burden": "介護者の負担が大きい", "young_carer": "子ども・若者が家族の世話をしている",
    }),
    "childcare": ("子育て・教育", {
        "school_refusal": "不登校", "childcare_burden": "子育ての負担が大きい", "development": "発達の心配がある",
        "double_care": "育児と介護を同時にしている",
    }),
    "income": ("収入・生活費", {
        "no_income": "収入がない", "low_income": "収入が生活費に足りない", "no_pension": "年金がない・少ない",
        "welfare": "生活保護を受けている", "money_management": "金銭管理が難しい",
    }),
    "debts": ("債務・滞納", {
        "debt": "借金がある", "rent_arrears": "家賃の滞納", "tax_arrears": "税金・公共料金の滞納",
        "collection": "督促・差押えがある",
    }),
    "housing": ("住まい", {
        "loss_risk": "住まいを失うおそれ", "hoarding": "ごみ・物があふれている（ごみ屋敷）",
        "unsafe": "住環境が安全でない", "no_home": "住まいがない",
    }),
    "work": ("仕事・日中活動", {
        "unemployed": "仕事をしていない", "job_search": "仕事を探している", "unstable": "仕事が不安定",
        "withdrawal": "ひきこもり状態", "no_day_activity": "日中の居場所がない",
    }),
    "family": ("家族関係", {
        "conflict": "家族間の対立がある", "abuse": "虐待・DVの疑い", "isolation_in_family": "家族の中で孤立している",
        "key_person": "頼れる家族がいる",
    }),
    "community": ("地域・社会との関係", {
        "isolated": "地域から孤立している", "neighbor_trouble": "近隣とのトラブル", "refuses_support": "支援を拒否している",
        "supporters": "見守る人がいる",
    }),
    "daily_life": ("日常生活", {
        "self_neglect": "身の回りのことができていない（セルフネグレクト）", "food": "食事がとれていない",
        "procedures": "手続きができない", "communication": "意思疎通に配慮が必要",
    }),
}  # fmt: skip


def clean_areas(raw: dict) -> dict:
    """Keep only known areas and items, with notes trimmed; unknown codes are dropped, not stored."""
    result = {}
    for code, value in (raw or {}).items():
        if code not in AREAS or not isinstance(value, dict):
            continue
        items = [i for i in value.get("items", []) if isinstance(i, str) and i in AREAS[code][1]]
        note = str(value.get("note", ""))[:2000].strip()
        if items or note:
            result[code] = {"items": list(dict.fromkeys(items)), "note": note}
    return result


def describe(areas: dict) -> list[tuple[str, list[str], str]]:
    """(area label, item labels, note) in the order of AREAS, for pages and PDFs."""
    rows = []
    for code, (label, items) in AREAS.items():
        if code in areas:
            value = areas[code]
            rows.append(
                (label, [items[i] for i in value.get("items", []) if i in items], value.get("note", ""))
            )
    return rows
