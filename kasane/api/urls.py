from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import (
    views,
    views_cases,
    views_community,
    views_evaluation,
    views_outreach,
    views_participation,
    views_stats,
)

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("me/", views.MeView.as_view(), name="me"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/<int:pk>/", views.ConsultationDetailView.as_view(), name="consultation_detail"),
    path("consents/", views.ConsentCreateView.as_view(), name="consent_create"),
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/respond/", views.ReferralRespondView.as_view(), name="referral_respond"),
    # 多機関協働: cases, assessments, plans, decisions and the two meetings
    path("cases/", views_cases.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", views_cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/transitions/", views_cases.CaseTransitionView.as_view(), name="case_transition"),
    path("cases/<int:pk>/assessments/", views_cases.CaseAssessmentsView.as_view(), name="case_assessments"),
    path("assessments/<int:pk>/", views_cases.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("cases/<int:pk>/plans/", views_cases.CasePlansView.as_view(), name="case_plans"),
    path("plans/<int:pk>/", views_cases.PlanDetailView.as_view(), name="plan_detail"),
    path("cases/<int:pk>/decisions/", views_cases.CaseDecisionsView.as_view(), name="case_decisions"),
    path("meetings/", views_cases.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", views_cases.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/items/", views_cases.MeetingItemsView.as_view(), name="meeting_items"),
    path("meetings/<int:pk>/pledge/", views_cases.MeetingPledgeView.as_view(), name="meeting_pledge"),
    path(
        "meetings/<int:pk>/participants/",
        views_cases.MeetingParticipantsView.as_view(),
        name="meeting_participants",
    ),
    path("meeting-items/<int:pk>/", views_cases.ItemDetailView.as_view(), name="item_detail"),
    path("statistics/", views_stats.StatisticsView.as_view(), name="statistics"),
    # 地域づくり: activities, sessions, coordinators, network meetings, trainings, yearly figures
    path("community/activities/", views_community.ActivityListView.as_view(), name="community_activity_list"),
    path(
        "community/activities/<int:pk>/",
        views_community.ActivityDetailView.as_view(),
        name="community_activity_detail",
    ),
    path(
        "community/activities/<int:pk>/sessions/",
        views_community.ActivitySessionsView.as_view(),
        name="community_activity_sessions",
    ),
    path(
        "community/sessions/<int:pk>/",
        views_community.SessionDetailView.as_view(),
        name="community_session_detail",
    ),
    path(
        "community/coordinators/",
        views_community.CoordinatorListView.as_view(),
        name="community_coordinator_list",
    ),
    path(
        "community/coordinators/<int:pk>/",
        views_community.CoordinatorDetailView.as_view(),
        name="community_coordinator_detail",
    ),
    path(
        "community/network-meetings/",
        views_community.NetworkMeetingListView.as_view(),
        name="community_network_meeting_list",
    ),
    path(
        "community/network-meetings/<int:pk>/",
        views_community.NetworkMeetingDetailView.as_view(),
        name="community_network_meeting_detail",
    ),
    path("community/trainings/", views_community.TrainingListView.as_view(), name="community_training_list"),
    path(
        "community/trainings/<int:pk>/",
        views_community.TrainingDetailView.as_view(),
        name="community_training_detail",
    ),
    path("community/figures/", views_community.FiguresView.as_view(), name="community_figures"),
    # outreach (issue 5): engagements, contact attempts, stages
    path("engagements/", views_outreach.EngagementListView.as_view(), name="engagement_list"),
    path("engagements/<int:pk>/", views_outreach.EngagementDetailView.as_view(), name="engagement_detail"),
    path(
        "engagements/<int:pk>/attempts/",
        views_outreach.EngagementAttemptsView.as_view(),
        name="engagement_attempts",
    ),
    path(
        "engagements/<int:pk>/stage/",
        views_outreach.EngagementStageView.as_view(),
        name="engagement_stage",
    ),
    path(
        "engagements/<int:pk>/identify/",
        views_outreach.EngagementIdentifyView.as_view(),
        name="engagement_identify",
    ),
    path("engagements/<int:pk>/case/", views_outreach.EngagementCaseView.as_view(), name="engagement_case"),
    path(
        "engagements/<int:pk>/close/",
        views_outreach.EngagementCloseView.as_view(),
        name="engagement_close",
    ),
    # 参加支援 (issue 5): resources, a case's needs and suggestions, matches, gaps → new resources
    path("resources/", views_participation.ResourceListView.as_view(), name="resource_list"),
    path("resources/<int:pk>/", views_participation.ResourceDetailView.as_view(), name="resource_detail"),
    path(
        "cases/<int:pk>/participation/",
        views_participation.CaseParticipationView.as_view(),
        name="case_participation",
    ),
    path("cases/<int:pk>/matches/", views_participation.CaseMatchesView.as_view(), name="case_matches"),
    path("cases/<int:pk>/gaps/", views_participation.CaseGapsView.as_view(), name="case_gaps"),
    path("matches/<int:pk>/", views_participation.MatchDetailView.as_view(), name="match_detail"),
    path("matches/<int:pk>/steps/", views_participation.MatchStepView.as_view(), name="match_steps"),
    path("gaps/", views_participation.GapListView.as_view(), name="gap_list"),
    path("gaps/<int:pk>/resource/", views_participation.GapResourceView.as_view(), name="gap_resource"),
    # 進捗管理シート and 成果目標
    path("evaluation/plans/", views_evaluation.PlanListView.as_view(), name="evaluation_plan_list"),
    path(
        "evaluation/plans/<int:pk>/sheets/",
        views_evaluation.PlanSheetsView.as_view(),
        name="evaluation_plan_sheets",
    ),
    path("evaluation/sheets/<int:pk>/", views_evaluation.SheetDetailView.as_view(), name="evaluation_sheet"),
    path(
        "evaluation/sheets/<int:pk>/actual/",
        views_evaluation.SheetActualView.as_view(),
        name="evaluation_sheet_actual",
    ),
    path(
        "evaluation/sheets/<int:pk>/evaluation/",
        views_evaluation.SheetEvaluationView.as_view(),
        name="evaluation_sheet_evaluation",
    ),
    path(
        "evaluation/indicators/",
        views_evaluation.IndicatorListView.as_view(),
        name="evaluation_indicator_list",
    ),
    path("evaluation/targets/", views_evaluation.TargetListView.as_view(), name="evaluation_target_list"),
    path(
        "evaluation/targets/<int:pk>/", views_evaluation.TargetDetailView.as_view(), name="evaluation_target"
    ),
]
