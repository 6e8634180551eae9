"""Demo for outreach in 岐阜市: the neighbour's worry about a man in 鷺山 (three visits, nobody answered,
the next visit overdue) and a woman in 長良 the outreach worker has started talking with."""

from datetime import timedelta

from django.utils import timezone

from kasane.core.models import Municipality, User

from . import services
from .models import Engagement


def load_gifu_outreach(municipality: Municipality) -> None:
    today = timezone.localdate()
    worker = User.objects.get(municipality=municipality, username="outreach")
    sagiyama = services.engagement_create(
        user=worker, description="60代男性、鷺山のアパート2階", source="commissioner",
        source_note="郵便物がたまり、姿を見かけない。夜も明かりがつかない日がある。", area="鷺山",
        address_hint="鷺山の市営住宅近くのアパート", started_on=today - timedelta(days=30),
    )  # fmt: skip
    for days_ago in (28, 21, 14):
        services.attempt_record(user=worker, engagement=sagiyama, attempted_on=today - timedelta(days=days_ago),
                                method="visit", outcome="absent", note="不在。手紙を投函。")  # fmt: skip
    sagiyama.refresh_from_db()
    services.next_attempt_plan(user=worker, engagement=sagiyama, version=sagiyama.version,
                               next_attempt_on=today, next_attempt_method="accompanied")  # fmt: skip
    # The planned accompanied visit (with the 民生委員) was three days ago and has not been recorded yet.
    Engagement.objects.filter(pk=sagiyama.pk).update(next_attempt_on=today - timedelta(days=3))
    nagara = services.engagement_create(
        user=worker, description="40代女性、長良の戸建て（母と二人暮らし）", source="watch_agreement",
        source_note="新聞販売店から：新聞が数日分たまっている", area="長良", started_on=today - timedelta(days=20),
    )  # fmt: skip
    services.attempt_record(user=worker, engagement=nagara, attempted_on=today - timedelta(days=18), method="phone",
                            outcome="refused", note="母が電話に出て、娘は会いたくないと")  # fmt: skip
    services.attempt_record(user=worker, engagement=nagara, attempted_on=today - timedelta(days=7), method="letter",
                            outcome="talked", note="手紙への返事があり、玄関先で短く会話",
                            next_attempt_on=today + timedelta(days=7), next_attempt_method="visit")  # fmt: skip
