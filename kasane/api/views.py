"""API endpoints: each parses input, calls one selector or service, and serializes the result."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.core import policy, wareki
from kasane.core import selectors as core_selectors
from kasane.core import services as core_services
from kasane.core.errors import DomainError
from kasane.core.validators import parse_id
from kasane.directory import selectors as directory_selectors
from kasane.directory import services as directory_services
from kasane.intake import selectors as intake_selectors
from kasane.intake import services as intake_services
from kasane.people import selectors as people_selectors
from kasane.people import services as people_services

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers import (
    AccessLogOut,
    AccessLogQuery,
    AgencyIn,
    AgencyOut,
    AgencyUpdateIn,
    ConsentIn,
    ConsentOut,
    ConsultationIn,
    ConsultationOut,
    HouseholdOut,
    MeOut,
    PersonIn,
    PersonOut,
    PersonUpdateIn,
    ReferralAnswerIn,
    ReferralIn,
    ReferralOut,
    StaffOut,
    ThemeOut,
    TokenOut,
)

ERRORS = error_responses(*STANDARD_ERRORS)


def _paginate(view, request, queryset, serializer_class):
    paginator = BoundedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator, page, paginator.get_paginated_response(serializer_class(page, many=True).data)


def _themes(user, ids):
    themes = list(directory_selectors.theme_list(user=user).filter(pk__in=ids))
    if len(themes) != len(set(ids)):
        raise DomainError("存在しないテーマが指定されています。", field="theme_ids")
    return themes


class MeView(APIView):
    @extend_schema(responses={200: MeOut, **error_responses(401)}, summary="ログイン中の職員")
    def get(self, request):
        return Response(MeOut(request.user).data)


class AgencyListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="キーワード（ひらがな・カタカナ・全角半角を区別しない）"),
            OpenApiParameter("theme", int, description="テーマID"),
            OpenApiParameter("field", str, description="分野"),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={200: AgencyOut(many=True), **ERRORS},
        summary="相談機関一覧表の検索",
    )
    def get(self, request):
        policy.require_capability(request.user, "directory.view")
        theme = request.query_params.get("theme")
        agencies = directory_selectors.agency_search(
            user=request.user,
            q=request.query_params.get("q", "")[:100],
            theme_id=parse_id(theme),
            field=request.query_params.get("field", "")[:20],
        )
        return _paginate(self, request, agencies, AgencyOut)[2]

    @extend_schema(request=AgencyIn, responses={201: AgencyOut, **ERRORS}, summary="相談機関の登録")
    def post(self, request):
        data = AgencyIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        themes = _themes(request.user, fields.pop("theme_ids"))
        agency = directory_services.agency_create(user=request.user, themes=themes, **fields)
        return Response(AgencyOut(agency).data, status=status.HTTP_201_CREATED)


class AgencyDetailView(APIView):
    @extend_schema(responses={200: AgencyOut, **ERRORS}, summary="相談機関の詳細")
    def get(self, request, pk):
        return Response(AgencyOut(directory_selectors.agency_get(user=request.user, pk=pk)).data)

    @extend_schema(
        request=AgencyUpdateIn,
        responses={200: AgencyOut, **ERRORS, **error_responses(409)},
        summary="相談機関の更新（版番号による競合検出あり）",
    )
    def put(self, request, pk):
        agency = directory_selectors.agency_get(user=request.user, pk=pk)
        data = AgencyUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        themes = _themes(request.user, fields.pop("theme_ids"))
        agency = directory_services.agency_update(user=request.user, agency=agency, themes=themes, **fields)
        return Response(AgencyOut(directory_selectors.agency_get(user=request.user, pk=agency.pk)).data)


class ThemeListView(APIView):
    pagination_class = None

    @extend_schema(responses={200: ThemeOut(many=True), **ERRORS}, summary="相談テーマの一覧")
    def get(self, request):
        return Response(ThemeOut(directory_selectors.theme_list(user=request.user), many=True).data)


class StaffListView(APIView):
    @extend_schema(responses={200: StaffOut(many=True), **ERRORS}, summary="職員の一覧（管理者）")
    def get(self, request):
        policy.require_capability(request.user, "staff.manage")
        return Response(StaffOut(core_selectors.staff_list(user=request.user), many=True).data)


class StaffDetailView(APIView):
    @extend_schema(responses={200: StaffOut, **ERRORS}, summary="職員の詳細（管理者）")
    def get(self, request, pk):
        policy.require_capability(request.user, "staff.manage")
        return Response(StaffOut(core_selectors.staff_get(user=request.user, pk=pk)).data)


class AccessLogView(APIView):
    @extend_schema(
        parameters=[AccessLogQuery, OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses={200: AccessLogOut(many=True), **ERRORS},
        summary="閲覧・操作記録の検索（管理者）",
    )
    def get(self, request):
        policy.require_capability(request.user, "audit.view")
        query = AccessLogQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = core_selectors.access_log_search(user=request.user, **query.validated_data)
        return _paginate(self, request, entries, AccessLogOut)[2]


class TokenListView(APIView):
    @extend_schema(responses={200: TokenOut(many=True), **ERRORS}, summary="APIトークン（管理者は全職員分）")
    def get(self, request):
        return Response(TokenOut(core_selectors.api_token_list(user=request.user), many=True).data)


class TokenRevokeView(APIView):
    @extend_schema(request=None, responses={200: TokenOut, **ERRORS}, summary="APIトークンの失効")
    def post(self, request, pk):
        with transaction.atomic():
            token = core_selectors.api_token_get(user=request.user, pk=pk)
            token = core_services.api_token_revoke(actor=request.user, token=token)
        return Response(TokenOut(token).data)


# --- people and intake ------------------------------------------------------------------------------------


def _narrative_check(user):
    return lambda consultation: policy.can_see_narrative(user, consultation)


class PersonListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="氏名・フリガナ（異体字・かなの違いを吸収）"),
                    OpenApiParameter("birth_date", str, description="生年月日 YYYY-MM-DD"),
                    OpenApiParameter("page", int)],
        responses={200: PersonOut(many=True), **ERRORS},
        summary="本人の検索（閲覧できる方のみ）",
    )  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "casework")
        birth = None
        if request.query_params.get("birth_date"):
            try:
                birth = wareki.parse_date(request.query_params["birth_date"])
            except wareki.WarekiError as exc:
                raise DomainError(str(exc), field="birth_date") from None
        page = people_selectors.person_search(user=request.user, q=request.query_params.get("q", "")[:100],
                                              birth_date=birth, page=request.query_params.get("page"))  # fmt: skip
        return Response(
            {"count": page.paginator.count, "results": PersonOut(page.object_list, many=True).data}
        )

    @extend_schema(request=PersonIn, responses={201: PersonOut, **ERRORS}, summary="本人の登録")
    def post(self, request):
        policy.require_capability(request.user, "casework")
        data = PersonIn(data=request.data)
        data.is_valid(raise_exception=True)
        person = people_services.person_create(user=request.user, **data.validated_data)
        return Response(PersonOut(person).data, status=status.HTTP_201_CREATED)


class PersonDetailView(APIView):
    @extend_schema(responses={200: PersonOut, **ERRORS}, summary="本人の詳細")
    def get(self, request, pk):
        return Response(PersonOut(people_selectors.person_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PersonUpdateIn, responses={200: PersonOut, **ERRORS, **error_responses(409)},
                   summary="本人情報の更新（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        person = people_selectors.person_get(user=request.user, pk=pk)
        data = PersonUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        person = people_services.person_update(user=request.user, person=person, **data.validated_data)
        return Response(PersonOut(person).data)


class HouseholdDetailView(APIView):
    @extend_schema(responses={200: HouseholdOut, **ERRORS}, summary="世帯（閲覧できる世帯員のみ）")
    def get(self, request, pk):
        household, members, _former = people_selectors.household_view(user=request.user, pk=pk)
        visible = {m.person.pk for m in members if m.person}
        return Response(HouseholdOut(household, context={"visible_person_ids": visible}).data)


class ConsultationListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("page", int)], responses={200: ConsultationOut(many=True), **ERRORS},
                   summary="自機関の相談一覧")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "casework")
        page = intake_selectors.consultation_page(user=request.user, page=request.query_params.get("page"))
        context = {"can_see_narrative": _narrative_check(request.user)}
        return Response({"count": page.paginator.count,
                         "results": ConsultationOut(page.object_list, many=True, context=context).data})  # fmt: skip

    @extend_schema(request=ConsultationIn, responses={201: ConsultationOut, **ERRORS}, summary="相談の記録")
    def post(self, request):
        policy.require_capability(request.user, "casework")
        data = ConsultationIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person = people_selectors.person_get(user=request.user, pk=fields.pop("person"))
        first = fields.pop("first_consultation", None)
        if first:
            fields["first_consultation"], _n = intake_selectors.consultation_get(user=request.user, pk=first)
        record = intake_services.consultation_create(user=request.user, person=person, **fields)
        context = {"can_see_narrative": _narrative_check(request.user)}
        return Response(ConsultationOut(record, context=context).data, status=status.HTTP_201_CREATED)


class ConsultationDetailView(APIView):
    @extend_schema(
        responses={200: ConsultationOut, **ERRORS}, summary="相談の詳細（相談内容は同意の範囲でのみ）"
    )
    def get(self, request, pk):
        consultation, _narrative = intake_selectors.consultation_get(user=request.user, pk=pk)
        context = {"can_see_narrative": _narrative_check(request.user)}
        return Response(ConsultationOut(consultation, context=context).data)


class ConsentCreateView(APIView):
    @extend_schema(request=ConsentIn, responses={201: ConsentOut, **ERRORS}, summary="本人同意の記録")
    def post(self, request):
        policy.require_capability(request.user, "casework")
        data = ConsentIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person = people_selectors.person_get(user=request.user, pk=fields.pop("person"))
        ids = fields.pop("agency_ids")
        agencies = list(directory_selectors.agency_choices(user=request.user).filter(pk__in=ids))
        if len(agencies) != len(set(ids)):
            raise DomainError("存在しない機関が指定されています。", field="agency_ids")
        consent = intake_services.consent_record(
            user=request.user, person=person, agencies=agencies, **fields
        )
        return Response(ConsentOut(consent).data, status=status.HTTP_201_CREATED)


class ReferralListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("box", str, enum=["inbox", "outbox"])],
                   responses={200: ReferralOut(many=True), **ERRORS}, summary="つなぐシートの受信箱・送信箱")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "casework")
        box = request.query_params.get("box", "inbox")
        rows = (intake_selectors.referral_outbox if box == "outbox" else intake_selectors.referral_inbox)(
            user=request.user
        )
        return Response(ReferralOut(rows, many=True).data)

    @extend_schema(request=ReferralIn, responses={201: ReferralOut, **ERRORS}, summary="つなぐシートの送付")
    def post(self, request):
        policy.require_capability(request.user, "casework")
        data = ReferralIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        consultation, _n = intake_selectors.consultation_get(user=request.user, pk=fields.pop("consultation"))
        to_agency = directory_selectors.agency_get(user=request.user, pk=fields.pop("to_agency"))
        referral = intake_services.referral_create(user=request.user, consultation=consultation,
                                                   to_agency=to_agency, **fields)  # fmt: skip
        return Response(ReferralOut(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(APIView):
    @extend_schema(responses={200: ReferralOut, **ERRORS}, summary="つなぐシートの詳細")
    def get(self, request, pk):
        return Response(ReferralOut(intake_selectors.referral_get(user=request.user, pk=pk)).data)


class ReferralRespondView(APIView):
    @extend_schema(request=ReferralAnswerIn, responses={200: ReferralOut, **ERRORS, **error_responses(409)},
                   summary="つなぐシートへの応答（受理・差し戻し）")  # fmt: skip
    def post(self, request, pk):
        referral = intake_selectors.referral_get(user=request.user, pk=pk)
        data = ReferralAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        referral = intake_services.referral_respond(
            user=request.user, referral=referral, **data.validated_data
        )
        return Response(ReferralOut(referral).data)
