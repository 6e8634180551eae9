"""Reads of 参加支援 through the access policy. Resources are public information (not logged); needs, matches
and follow-ups are personal data, logged with the person and the case."""

from itertools import groupby

from django.db.models import QuerySet
from django.http import Http404

from kasane.cases.models import CollaborationCase
from kasane.core import audit, policy
from kasane.core.text import normalize_for_search
from kasane.core.validators import parse_id

from . import matching
from .models import FollowUp, Match, Needs, Resource, ResourceKind
from .services import kinds_ensure

A = audit.Action


def kinds(*, user, active_only: bool = True) -> QuerySet[ResourceKind]:
    kinds_ensure(user.municipality_id)
    qs = policy.scope(user, ResourceKind)
    return qs.filter(active=True) if active_only else qs


def resource_search(*, user, q: str = "", kind=None, area: str = "", status: str = "") -> QuerySet[Resource]:
    """Free text folds kana and width (ひきこもり = ヒキコモリ = ﾋｷｺﾓﾘ); every word must match."""
    qs = policy.scope(user, Resource).select_related("kind")
    for word in (q or "").replace("\x00", "").split()[:10]:
        qs = qs.filter(search_text__contains=normalize_for_search(word))
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(area=area)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("area", "name", "pk")


def areas(*, user) -> list[str]:
    qs = policy.scope(user, Resource).exclude(area="").values_list("area", flat=True).distinct()
    return sorted(set(qs))


def grouped_by_area(resources) -> list[tuple[str, list[Resource]]]:
    rows = sorted(resources, key=lambda r: (r.area == "", r.area, r.name))
    return [(area or "地域の記載なし", list(group)) for area, group in groupby(rows, key=lambda r: r.area)]


def resource_get(*, user, pk) -> Resource:
    return policy.get_or_404(user, policy.scope(user, Resource).select_related("kind"), pk=pk)


def case_get(*, user, pk, log: bool = True) -> CollaborationCase:
    case = policy.get_or_404(user, CollaborationCase.objects.select_related("person"), pk=pk)
    if log:
        audit.record(user=user, action=A.VIEW, obj=case, person_id=case.person_id, case_id=case.pk,
                     detail="参加支援")  # fmt: skip
    return case


def needs_of(*, user, case) -> Needs | None:
    needs = policy.scope(user, Needs).filter(case=case).first()
    if needs is not None:
        audit.record(user=user, action=A.VIEW, obj=needs, person_id=case.person_id, case_id=case.pk)
    return needs


def suggestions(*, user, case, needs: Needs, limit: int = 20) -> list[matching.Suggestion]:
    """Ranked resources for the person's needs (the resources are public; the needs were logged when read)."""
    resources = {
        r.pk: r for r in policy.scope(user, Resource).select_related("kind").exclude(status="closed")
    }
    age = case.person.age
    ranked = matching.rank(matching.wishes_of(needs, age=age), [matching.offer_of(r) for r in resources.values()],
                           limit=limit)  # fmt: skip
    for s in ranked:
        s.resource = resources[s.id]
    return ranked


def matches_of_case(*, user, case) -> list[Match]:
    rows = list(policy.scope(user, Match).filter(case=case).select_related("resource", "resource__kind", "worker")
                .prefetch_related("followups"))  # fmt: skip
    audit.record_many(user=user, action=A.LIST, objects=rows, model=Match, detail="参加支援のマッチング")
    return rows


def match_list(*, user, status: str = "") -> list[Match]:
    qs = policy.scope(user, Match).select_related("resource", "case", "person", "worker")
    if status:
        qs = qs.filter(status=status)
    rows = list(qs[:500])
    audit.record_many(user=user, action=A.LIST, objects=rows, model=Match, detail="マッチング一覧")
    return rows


def match_get(*, user, pk, log: bool = True) -> Match:
    match = policy.get_or_404(
        user,
        policy.scope(user, Match).select_related("resource", "resource__kind", "case", "person", "worker"),
        pk=pk,
    )
    if log:
        audit.record(user=user, action=A.VIEW, obj=match, person_id=match.person_id, case_id=match.case_id)
    return match


def followup_get(*, user, match: Match, pk) -> FollowUp:
    if parse_id(pk) is None:
        raise Http404
    followup = policy.scope(user, FollowUp).filter(match=match, pk=pk).first()
    if followup is None:
        raise Http404
    return followup


def matches_of_resource_count(resource: Resource) -> int:
    """How many matches a resource has (a number, no person): to explain why it cannot be deleted."""
    return Match.objects.filter(resource=resource).count()
