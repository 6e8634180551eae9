"""The ranking of resources for a person's wishes, and its reasons (pure: no database)."""

from hypothesis import given
from hypothesis import strategies as st

from kasane.participation.matching import (
    AVAILABILITY_PENALTY,
    Offer,
    Wishes,
    nothing_suitable,
    rank,
    score,
    split_words,
)

FARM = Offer(id=1, name="畑のある居場所", text="居場所 農作業 おしゃべり", area="北部", slots=frozenset({"morning"}),
             small_group=True, welcomes_hikikomori=True, allows_companion=True, capacity=10, open_places=3)  # fmt: skip
CAFE = Offer(id=2, name="こども食堂", text="子ども食堂 調理 配膳", area="中央", slots=frozenset({"evening"}),
             capacity=20, open_places=0)  # fmt: skip
WORKSHOP = Offer(
    id=3, name="リサイクル工房", text="中間的就労 軽作業 仕分け", area="北部", slots=frozenset({"morning"})
)
CLOSED = Offer(id=4, name="閉じたサロン", text="サロン 農作業", area="北部", status="closed")

WISHES = Wishes(likes=("農作業",), can_do=("軽作業",), slots=frozenset({"morning"}), area="北部",
                worries_groups=True, wants_company=True, hikikomori=True)  # fmt: skip


def test_the_best_fit_comes_first_with_its_reasons():
    ranked = rank(WISHES, [CAFE, WORKSHOP, FARM, CLOSED])
    assert [s.id for s in ranked] == [1, 3, 2]
    farm = ranked[0]
    assert "好きなこと（農作業）が活動内容に合う（+20）" in farm.reasons
    assert "希望の地域（北部）にある（+20）" in farm.reasons
    assert "少人数・個別の対応ができる（集団が不安）（+10）" in farm.reasons
    assert "支援者の同行ができる（+10）" in farm.reasons
    assert "空きがある（3人）（+5）" in farm.reasons
    assert farm.concerns == []
    assert farm.score == sum(int(r.rsplit("（", 1)[1].rstrip("）")) for r in farm.reasons)


def test_a_resource_loses_points_for_what_it_lacks_and_says_why():
    workshop = score(WISHES, WORKSHOP)
    assert "できること（軽作業）が活動内容に合う（+15）" in workshop.reasons
    assert "少人数・個別の対応がない（集団が不安）（-15）" in workshop.concerns
    assert "支援者の同行の受け入れがない（-20）" in workshop.concerns
    cafe = score(WISHES, CAFE)
    assert "定員20人、空きがない（-30）" in cafe.concerns
    assert "希望の地域ではない（中央）（-10）" in cafe.concerns
    assert "参加しやすい時間帯に開いていない（-15）" in cafe.concerns


def test_closed_resources_are_never_suggested():
    assert all(s.id != CLOSED.id for s in rank(WISHES, [CLOSED, FARM]))


def test_age_outside_the_range_is_a_concern():
    youth = Offer(id=5, name="若者の居場所", text="居場所", age_min=15, age_max=39)
    assert "対象年齢（15〜39歳）の外（-40）" in score(Wishes(age=52), youth).concerns
    assert score(Wishes(age=30), youth).concerns == []


def test_nothing_suitable_when_no_available_resource_matches_anything():
    assert nothing_suitable(rank(Wishes(likes=("釣り",), wants_anonymity=True), [CAFE, WORKSHOP]))
    assert not nothing_suitable(rank(WISHES, [FARM]))
    assert nothing_suitable([])


def test_keywords_are_split_on_japanese_and_ascii_separators_and_fold_kana():
    assert split_words("料理、植物,ゲーム・パソコン　読書") == ("料理", "植物", "ゲーム", "パソコン", "読書")
    game = Offer(id=6, name="ｹﾞｰﾑ会", text="げーむ")
    assert score(Wishes(likes=("ゲーム",)), game).reasons


codes = st.frozensets(st.sampled_from(["morning", "afternoon", "evening", "weekend"]))
flags = st.booleans()
wishes = st.builds(Wishes, likes=st.lists(st.sampled_from(["農作業", "調理", "読書"]), max_size=2).map(tuple),
                   slots=codes, area=st.sampled_from(["", "北部", "中央"]), worries_groups=flags,
                   wants_anonymity=flags, wants_company=flags, hikikomori=flags, disability=flags,
                   age=st.none() | st.integers(0, 100))  # fmt: skip
offers = st.builds(Offer, id=st.integers(1, 10**6), name=st.sampled_from(["あ", "い", "う"]),
                   text=st.sampled_from(["農作業", "調理 読書", ""]), area=st.sampled_from(["", "北部", "中央"]),
                   slots=codes, small_group=flags, allows_anonymous=flags, allows_companion=flags,
                   welcomes_hikikomori=flags, welcomes_disability=flags,
                   age_min=st.none() | st.integers(0, 50), capacity=st.none() | st.integers(1, 30),
                   open_places=st.none() | st.integers(0, 5),
                   status=st.sampled_from(["active", "paused", "closed"]))  # fmt: skip


@given(wishes, offers)
def test_a_closed_or_full_resource_never_ranks_above_an_open_one_with_the_same_fit(w, offer):
    open_twin = Offer(**{**offer.__dict__, "id": offer.id + 1, "status": "active", "open_places": None})
    for unavailable in (Offer(**{**offer.__dict__, "status": "paused"}), Offer(**{**offer.__dict__, "open_places": 0}),
                        Offer(**{**offer.__dict__, "status": "closed"})):  # fmt: skip
        ranked = [s.id for s in rank(w, [unavailable, open_twin])]
        assert ranked[0] == open_twin.id
        if unavailable.status != "closed":
            assert score(w, open_twin).score - score(w, unavailable).score >= AVAILABILITY_PENALTY


@given(wishes, st.lists(offers, max_size=8, unique_by=lambda o: o.id))
def test_ranking_is_sorted_explained_and_never_shows_closed(w, items):
    ranked = rank(w, items)
    assert all(s.offer.status != "closed" for s in ranked)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    for s in ranked:
        # Every point is explained: the score is the sum of the reasons and the concerns.
        parts = [int(t.rsplit("（", 1)[1].rstrip("）")) for t in s.reasons + s.concerns]
        assert s.score == sum(parts)
        assert all(p > 0 for p in parts[: len(s.reasons)]) and all(p < 0 for p in parts[len(s.reasons) :])
