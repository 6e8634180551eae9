import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasane.people.ecomap import HIDDEN_AGENCY_LABEL, LINK_KINDS, EcoAgency, EcoLink, EcoMember, render_ecomap

SVG = "{http://www.w3.org/2000/svg}"


def _nagano():
    members = [
        EcoMember(1, "花子", "72歳・要介護"),
        EcoMember(2, "一郎", "70歳・無年金"),
        EcoMember(3, "正美", "45歳・月10万", highlight=True),
        EcoMember(4, "みどり", "21歳・障害"),
        EcoMember(5, "正太", "14歳・不登校"),
        EcoMember(6, "太一", "10歳"),
    ]
    agencies = [
        EcoAgency("hokatsu", "地域包括支援センター"),
        EcoAgency("shogai", "障害者支援センター"),
        EcoAgency("maisapo", "まいさぼ"),
        EcoAgency("kodomo", "こども総合支援センター"),
    ]
    links = [
        EcoLink(1, "hokatsu"),
        EcoLink(2, "hokatsu", "weak"),
        EcoLink(4, "shogai"),
        EcoLink(3, "maisapo", "referral"),
        EcoLink(5, "kodomo"),
        EcoLink(6, "kodomo"),
    ]
    return members, agencies, links


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _groups(root, cls):
    return [g for g in root.iter(f"{SVG}g") if cls in g.get("class", "").split()]


def _links(root):
    return [line for line in root.iter(f"{SVG}line") if "eco-link" in line.get("class", "").split()]


def _box(group):
    rect = group.find(f"{SVG}rect")
    return tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))


def _overlap(a, b):
    return not (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1])


def _check_layout(root, members, agencies):
    """Member and agency boxes never overlap, agencies stay outside the household, everything is in the viewBox."""
    member_boxes = [_box(g) for g in _groups(root, "eco-member")]
    agency_boxes = [_box(g) for g in _groups(root, "eco-agency")]
    house = _box(_groups(root, "eco-household")[0])
    assert len(member_boxes) == len(members) and len(agency_boxes) == len(agencies)
    for a, b in itertools.combinations(member_boxes + agency_boxes, 2):
        assert not _overlap(a, b), (a, b)
    for a in agency_boxes:
        assert not _overlap(a, house)
    for m in member_boxes:
        assert house[0] <= m[0] and m[0] + m[2] <= house[0] + house[2]
        assert house[1] <= m[1] and m[1] + m[3] <= house[1] + house[3]
    vx, vy, vw, vh = (float(v) for v in root.get("viewBox").split())
    for x, y, w, h in [house, *member_boxes, *agency_boxes]:
        assert vx <= x and x + w <= vx + vw and vy <= y and y + h <= vy + vh


def _no_inline_style(svg: str, root) -> None:
    assert "<style" not in svg and "<script" not in svg
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.lower().startswith("on") for name in element.attrib)


def test_the_nagano_household_map_is_accessible_and_complete():
    members, agencies, links = _nagano()
    svg = render_ecomap(members, agencies, links, household_label="長野さん世帯")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") is None  # scales with its container
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "長野さん世帯: 世帯員6人、関与機関4"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "花子（72歳・要介護）" in desc.text and "まいさぼ → 正美（つなぎ中）" in desc.text
    assert len(_groups(root, "eco-member")) == 6
    assert len(_groups(root, "eco-agency")) == 4
    assert len(_links(root)) == 6
    kinds = [line.get("class").split()[1] for line in _links(root)]
    assert kinds.count("eco-link-weak") == 1 and kinds.count("eco-link-referral") == 1
    referral = next(line for line in _links(root) if "eco-link-referral" in line.get("class"))
    weak = next(line for line in _links(root) if "eco-link-weak" in line.get("class"))
    involved = next(line for line in _links(root) if "eco-link-involved" in line.get("class"))
    assert referral.get("stroke-dasharray") and weak.get("stroke-dasharray")
    assert referral.get("stroke-dasharray") != weak.get("stroke-dasharray")
    assert involved.get("stroke-dasharray") is None
    texts = "".join(root.itertext())
    for name in ("花子", "72歳・要介護", "地域包括支援センター", "こども総合支援センター"):
        assert name in texts
    _check_layout(root, members, agencies)
    _no_inline_style(svg, root)


def test_names_are_escaped_never_markup():
    members = [EcoMember("<x>", "<script>alert(1)</script>", 'a"b&c'), EcoMember(2, "]]>&amp;")]
    agencies = [EcoAgency('"><svg onload=alert(1)>', "<b>機関</b>&")]
    svg = render_ecomap(members, agencies, [EcoLink("<x>", '"><svg onload=alert(1)>')], household_label="<i>")
    root = _parse(svg)
    _no_inline_style(svg, root)
    assert "<script" not in svg and "<b>" not in svg and "<svg onload" not in svg
    assert "&lt;script&gt;" in svg
    assert len(list(root.iter(f"{SVG}svg"))) == 1
    assert len(_links(root)) == 1
    member_titles = [g.find(f"{SVG}title").text for g in _groups(root, "eco-member")]
    assert member_titles[0] == '<script>alert(1)</script>（a"b&c）'  # round-trips as text
    assert _groups(root, "eco-agency")[0].get("data-key") == '"><svg onload=alert(1)>'


def test_a_hidden_agency_shows_neither_its_name_nor_its_key():
    members = [EcoMember(1, "本人", highlight=True)]
    agencies = [
        EcoAgency("secret-7", "東警察署生活安全課", hidden=True),
        EcoAgency(2, "地域包括支援センター"),
    ]
    svg = render_ecomap(members, agencies, [EcoLink(1, "secret-7"), EcoLink(1, 2, "weak")])
    root = _parse(svg)
    assert "東警察署" not in svg and "secret-7" not in svg
    hidden = _groups(root, "eco-agency-hidden")
    assert len(hidden) == 1 and hidden[0].get("data-key") is None
    assert "".join(hidden[0].itertext()).strip().startswith(HIDDEN_AGENCY_LABEL)
    assert hidden[0].find(f"{SVG}rect").get("stroke-dasharray")  # dashed outline
    assert HIDDEN_AGENCY_LABEL in root.find(f"{SVG}desc").text
    assert len(_links(root)) == 2  # the line to the hidden agency still shows that someone is involved


def test_no_agencies_and_a_single_member():
    svg = render_ecomap([EcoMember(1, "一人暮らし", "80歳")], [], [])
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == "世帯: 世帯員1人、関与機関0"
    assert "関与機関: なし" in root.find(f"{SVG}desc").text
    assert not _links(root) and not _groups(root, "eco-agency") and not _groups(root, "eco-legend")
    _check_layout(root, [1], [])


def test_an_empty_household_still_draws():
    root = _parse(render_ecomap([], [EcoAgency(1, "地域包括支援センター")], [EcoLink(9, 1)]))
    assert "世帯員の登録なし" in "".join(root.itertext())
    assert not _links(root)  # the link points at nobody


def test_twelve_members_and_fifteen_agencies_do_not_overlap():
    members = [EcoMember(i, f"世帯員{i}", f"{10 + i * 6}歳", highlight=i == 0) for i in range(12)]
    agencies = [EcoAgency(i, f"相談支援機関その{i}", hidden=i == 7) for i in range(15)]
    links = [EcoLink(i % 12, i, list(LINK_KINDS)[i % 3]) for i in range(15)] + [
        EcoLink(0, i) for i in range(15)
    ]
    svg = render_ecomap(members, agencies, links)
    root = _parse(svg)
    assert len(_groups(root, "eco-member")) == 12 and len(_groups(root, "eco-agency")) == 15
    assert len(_links(root)) == 15 + 13  # (0, 0) and (0, 12) are linked twice: each drawn once
    _check_layout(root, members, agencies)


def test_long_labels_are_cut_with_an_ellipsis_but_read_out_in_full():
    name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末"
    agency = "社会福祉法人長野市社会福祉協議会 生活就労支援センター まいさぼ（長野市生活就労支援センター）"
    root = _parse(render_ecomap([EcoMember(1, name)], [EcoAgency(1, agency)], [EcoLink(1, 1)]))
    member = _groups(root, "eco-member")[0]
    shown = [t.text for t in member.iter(f"{SVG}text")]
    assert shown[0].endswith("…") and len(shown[0]) < len(name)
    assert member.find(f"{SVG}title").text == name
    agency_lines = [t.text for t in _groups(root, "eco-agency")[0].iter(f"{SVG}text")]
    assert len(agency_lines) == 2 and agency_lines[-1].endswith("…")
    assert agency in root.find(f"{SVG}desc").text


def test_ids_can_be_made_unique_per_map():
    root = _parse(render_ecomap([], [], [], id_prefix="map-12"))
    assert root.find(f"{SVG}title").get("id") == "map-12-title"
    assert _parse(render_ecomap([], [], [], id_prefix='"><x')).find(f"{SVG}title").get("id") == "x-title"


def test_an_unknown_link_kind_is_refused():
    with pytest.raises(ValueError, match="unknown link kind"):
        EcoLink(1, 1, "strong")


keys = st.one_of(st.integers(0, 6), st.sampled_from(["a", "b", "<k>", ""]))
labels = st.text(max_size=40)
members_st = st.lists(st.builds(EcoMember, keys, labels, labels, st.booleans()), max_size=14)
agencies_st = st.lists(st.builds(EcoAgency, keys, labels, st.booleans()), max_size=16)
links_st = st.lists(st.builds(EcoLink, keys, keys, st.sampled_from(list(LINK_KINDS))), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members_st, agencies_st, links_st, labels)
def test_any_household_renders_to_well_formed_svg(members, agencies, links, household_label):
    svg = render_ecomap(members, agencies, links, household_label=household_label)
    root = _parse(svg)
    _no_inline_style(svg, root)
    assert len(_groups(root, "eco-member")) == len(members)
    assert len(_groups(root, "eco-agency")) == len(agencies)
    assert len(_groups(root, "eco-agency-hidden")) == sum(a.hidden for a in agencies)
    member_keys = {m.key for m in members}
    agency_keys = {a.key for a in agencies}
    pairs = {(link.member_key, link.agency_key) for link in links}
    assert len(_links(root)) == len({(m, a) for m, a in pairs if m in member_keys and a in agency_keys})
    assert root.find(f"{SVG}title").text.endswith(f"世帯員{len(members)}人、関与機関{len(agencies)}")
    _check_layout(root, members, agencies)
