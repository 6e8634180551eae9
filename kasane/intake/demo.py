"""Demo: 長野市 with the 長野さん一家 of seed 000 and the agencies named there, recorded through the services."""

from datetime import date

from kasane.core.models import Municipality, StaffRole, User
from kasane.core.roles import Role
from kasane.directory.models import Agency, Field, LegalItem, Operation
from kasane.people import services as people_services
from kasane.people.models import Sex

from . import services
from .models import DEFAULT_PATTERNS, Consulter, Problem, Response, Route

NAGANO_CODE = "202011"

AGENCIES = [
    ("地域包括支援センター", Field.ELDERLY, LegalItem.ITEM_1I, "高齢者の総合相談・介護予防・権利擁護"),
    ("障害者支援センター", Field.DISABILITY, LegalItem.ITEM_1RO, "障害のある方と家族の相談支援"),
    ("まいさぼ長野市", Field.POVERTY, LegalItem.ITEM_1NI, "生活就労支援センター。生活困窮者の自立相談支援"),
    ("こども総合支援センター「あのえっと」", Field.CHILDREN, LegalItem.ITEM_1HA, "ながの版「ネウボラ」。子どもと子育ての総合相談"),
]  # fmt: skip

STAFF = [
    # username, last, first, agency
    ("nagano-houkatsu", "北村", "和子", "地域包括支援センター"),
    ("nagano-maisabo", "松本", "拓也", "まいさぼ長野市"),
    ("nagano-shogai", "小林", "直美", "障害者支援センター"),
    ("nagano-kodomo", "宮沢", "陽子", "こども総合支援センター「あのえっと」"),
]

COLLABORATION_STAFF = [
    ("nagano-kyodo", "松井", "亮", "まいさぼ長野市", "", [Role.COLLABORATION, Role.COUNSELOR]),
    ("nagano-shichoson", "中村", "理恵", None, "福祉政策課", [Role.MUNICIPAL]),
]

FAMILY = [
    # key, family, given, kana (family, given), birth date, sex, relationship
    ("ichiro", "長野", "一郎", ("ナガノ", "イチロウ"), date(1956, 6, 3), Sex.MALE, "head"),
    ("hanako", "長野", "花子", ("ナガノ", "ハナコ"), date(1954, 2, 11), Sex.FEMALE, "spouse"),
    ("masami", "長野", "正美", ("ナガノ", "マサミ"), date(1981, 9, 20), Sex.FEMALE, "child"),
    ("midori", "長野", "みどり", ("ナガノ", "ミドリ"), date(2005, 4, 8), Sex.FEMALE, "grandchild"),
    ("shota", "長野", "正太", ("ナガノ", "ショウタ"), date(2012, 7, 15), Sex.MALE, "grandchild"),
    ("taichi", "長野", "太一", ("ナガノ", "タイチ"), date(2016, 5, 1), Sex.MALE, "grandchild"),
]


def load_nagano(password: str) -> Municipality:
    municipality = Municipality.objects.create(name="長野市", prefecture="長野県", code=NAGANO_CODE)
    services.patterns_ensure(municipality_id=municipality.pk, names=DEFAULT_PATTERNS)
    agencies = {}
    for name, field, item, description in AGENCIES:
        agency = Agency.objects.create(municipality=municipality, name=name, field=field, legal_item=item,
                                       operation=Operation.CONTRACTED, description=description)  # fmt: skip
        agency.refresh_search_text()
        agency.save(update_fields=["search_text"])
        agencies[name] = agency
    staff = {}
    for username, last, first, agency_name in STAFF:
        user = User(username=username, last_name=last, first_name=first, municipality=municipality,
                    agency=agencies[agency_name])  # fmt: skip
        user.set_password(password)
        user.save()
        StaffRole.objects.create(user=user, role=Role.COUNSELOR)
        staff[agency_name] = User.objects.get(pk=user.pk)
    # 多機関協働: the collaboration worker (at まいさぼ, which receives the referral) and the city's office,
    # which makes the 支援決定 and convenes 支援会議.
    for username, last, first, agency_name, section, roles in COLLABORATION_STAFF:
        user = User(username=username, last_name=last, first_name=first, municipality=municipality,
                    agency=agencies.get(agency_name), section=section)  # fmt: skip
        user.set_password(password)
        user.save()
        StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
    from kasane.meetings.services import bodies_ensure

    bodies_ensure(municipality.pk)

    houkatsu = staff["地域包括支援センター"]
    persons = {}
    for key, family, given, (fk, gk), born, sex, _rel in FAMILY:
        persons[key] = people_services.person_create(user=houkatsu, family_name=family, given_name=given,
                                                     family_kana=fk, given_kana=gk, birth_date=born, sex=sex,
                                                     address="長野市〇〇町1-2-3")  # fmt: skip
    household = people_services.household_create(user=houkatsu, name="長野さん世帯", address="長野市〇〇町1-2-3",
                                                  head=persons["ichiro"])  # fmt: skip
    for key, *_rest, relationship in FAMILY[1:]:
        people_services.membership_add(user=houkatsu, household=household, person=persons[key],
                                       relationship=relationship)  # fmt: skip

    patterns = {p.name: p for p in municipality.patterns.all()}
    first = services.intake_record(
        user=houkatsu, person=persons["hanako"], household=household,
        consultation={"received_on": date(2026, 4, 14), "route": Route.PHONE, "consulter": Consulter.FAMILY,
                      "consulter_relationship": "娘", "problems": [Problem.CARE, Problem.INCOME, Problem.FAMILY],
                      "main_problem": Problem.CARE, "patterns": [patterns["ダブルケア"]],
                      "response": Response.COLLABORATION, "urgency": "urgent",
                      "narrative": "正美さんから。花子さんの介護が重くなり、仕事を減らしている。家計が苦しく、孫の不登校も心配。"},
        consent={"obtained_on": date(2026, 4, 14), "method": "written", "agencies": list(agencies.values()),
                 "share_consultation": True, "share_household": True},
    )  # fmt: skip
    for key, agency_name, problems, main, pattern in [
        ("ichiro", "まいさぼ長野市", [Problem.INCOME], Problem.INCOME, None),
        ("masami", "まいさぼ長野市", [Problem.INCOME, Problem.JOB_SEARCH], Problem.INCOME, "ダブルケア"),
        ("midori", "障害者支援センター", [Problem.HEALTH], Problem.HEALTH, None),
        (
            "shota",
            "こども総合支援センター「あのえっと」",
            [Problem.WITHDRAWAL],
            Problem.WITHDRAWAL,
            "ひきこもり",
        ),
    ]:
        services.consultation_create(
            user=staff[agency_name], person=persons[key], household=household, received_on=date(2026, 4, 20),
            route=Route.VISIT, consulter=Consulter.SELF if key != "shota" else Consulter.FAMILY, problems=problems,
            main_problem=main, patterns=[patterns[pattern]] if pattern else [], response=Response.CONTINUING,
            narrative="（デモ）",
        )  # fmt: skip
    services.referral_create(
        user=houkatsu, consultation=first, to_agency=agencies["まいさぼ長野市"], legal_basis="consent",
        reason="家計と就労の相談が必要", wants_to_talk="介護と仕事の両立、家計の立て直し",
    )  # fmt: skip
    from kasane.evaluation.demo import load as load_progress_sheets  # 進捗管理シート・成果目標

    load_progress_sheets(municipality)
    return municipality
