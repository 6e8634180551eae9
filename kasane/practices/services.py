"""Writes of the practice library: the import (replace everything, all or nothing) and the tenant's own figures."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from kasane.core import policy
from kasane.core.concurrency import lock_for_update
from kasane.core.errors import DomainError
from kasane.core.text import normalize_for_search

from . import parser
from .models import Achievement, Figure, OwnFigures, Report, Section, Target

MAX_BYTES = 20 * 1024 * 1024


def read_source(path: str | Path) -> str:
    """The file's text (UTF-8, with or without BOM); a clear Japanese error for anything else."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"ファイル {path} が見つかりません。")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise DomainError("ファイルが大きすぎます（20MB まで）。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            f"文字コードを UTF-8 として読めません（{exc.start} バイト目）。報告集のテキストファイルか確認してください。"
        ) from None


def _int(measure):
    return None if measure is None or measure.value is None else int(measure.value)


@transaction.atomic
def reports_import(*, text: str, source_name: str) -> int:
    """Parse the compilation and replace the whole library with it; nothing changes when parsing fails."""
    try:
        parsed = parser.parse_text(text)
    except parser.ParseError as exc:
        raise DomainError(str(exc)) from None
    Report.objects.all().delete()
    for ordinal, item in enumerate(parsed, start=1):
        figures = item.figures
        aging = figures.get("aging_rate")
        report = Report.objects.create(
            ordinal=ordinal,
            heading=item.heading[:200],
            heading_line=item.heading_line,
            prefecture=item.prefecture[:10],
            municipality=item.municipality[:100],
            is_prefectural=item.is_prefectural,
            runs_chiikiryoku=parser.CHIIKIRYOKU in item.projects,
            runs_takikan=parser.TAKIKAN in item.projects,
            runs_todofuken=parser.TODOFUKEN in item.projects,
            projects_line=item.projects_line,
            section_name=item.section_name[:200],
            section_line=item.section_line,
            population=_int(figures.get("population")),
            households=_int(figures.get("households")),
            # a rate written in ‰ is not a percentage: it is left out of the % filter and the distance
            aging_rate=aging.value if aging is not None and aging.unit == "%" else None,
            coordinators=_int(item.coordinators),
            coordinators_text=item.coordinators.raw if item.coordinators else "",
            coordinators_line=item.coordinators.line if item.coordinators else None,
            search_text=normalize_for_search(
                " ".join([item.heading, item.section_name] + [parser.plain(s.text) for s in item.sections])
            ),
            source_name=source_name[:200],
        )
        rows = [("", key, m) for key, m in figures.items()]
        rows += [(town, key, m) for town, values in item.towns.items() for key, m in values.items()]
        Figure.objects.bulk_create(
            Figure(report=report, town=town[:50], key=key, value=m.value, unit=m.unit[:10], raw=m.raw[:300],
                   line=m.line)
            for town, key, m in rows
        )  # fmt: skip
        Target.objects.bulk_create(
            Target(report=report, project=t.project, part=t.part, text=t.text, line=t.line)
            for t in item.targets
        )
        Achievement.objects.bulk_create(
            Achievement(report=report, project=a.project, text=a.text, line=a.line) for a in item.achievements
        )
        Section.objects.bulk_create(
            Section(report=report, ordinal=n, title=s.title[:100], line=s.line, text=s.text)
            for n, s in enumerate(item.sections)
        )
    return len(parsed)


@transaction.atomic
def own_figures_save(*, user, population: int, households: int, aging_rate, as_of: str = "",
                     version=None) -> OwnFigures:  # fmt: skip
    """Record the municipality's own 人口・世帯数・高齢化率 (the office and the admin; a stale version is refused)."""
    policy.require_capability(user, "practices.own_figures")
    fields = {"population": population, "households": households, "aging_rate": aging_rate, "as_of": as_of}
    existing = OwnFigures.objects.filter(municipality_id=user.municipality_id).first()
    if existing is None:
        return OwnFigures.objects.create(municipality_id=user.municipality_id, **fields)
    obj = lock_for_update(OwnFigures, existing.pk, version)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    return obj
