"""Demo data of the practice library: the real seed file (copied into the repo) and the demo towns' own figures."""

from decimal import Decimal
from pathlib import Path

from kasane.core.models import Municipality

from . import services
from .models import OwnFigures, Report

SEED_FILE = Path(__file__).resolve().parent / "data" / "model_projects_2018.txt"
# Rounded figures for the demo only (entered on the comparison page in real use): 岐阜市 and 長野市.
DEMO_FIGURES = {
    "岐阜市": (400_000, 185_000, Decimal("28.8")),
    "長野市": (370_000, 160_000, Decimal("30.6")),
}


def load_library() -> int:
    """Import the seed file unless the library already holds reports; set the demo towns' figures once."""
    count = 0
    if not Report.objects.exists():
        count = services.reports_import(text=services.read_source(SEED_FILE), source_name=SEED_FILE.name)
    for municipality in Municipality.objects.filter(name__in=DEMO_FIGURES):
        population, households, aging = DEMO_FIGURES[municipality.name]
        OwnFigures.objects.get_or_create(
            municipality=municipality,
            defaults={"population": population, "households": households, "aging_rate": aging,
                      "as_of": "デモ用の概数"},
        )  # fmt: skip
    return count
