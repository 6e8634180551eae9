import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kasane.core.validators import municipality_code_check_digit, validate_municipality_code

REAL_CODES = ["212016", "202011", "202037", "131016", "011002", "473286"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    validate_municipality_code(code)


@pytest.mark.parametrize("code", ["212017", "202012", "131010"])
def test_a_wrong_check_digit_is_explained_in_japanese(code):
    with pytest.raises(ValidationError, match="検査数字"):
        validate_municipality_code(code)


@pytest.mark.parametrize("code", ["", "21201", "2120166", "21201６", "abcdef", "21-016"])
def test_anything_but_six_ascii_digits_is_refused(code):
    with pytest.raises(ValidationError, match="半角数字6桁"):
        validate_municipality_code(code)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_exactly_one_sixth_digit_is_valid_for_every_prefix(prefix):
    valid = []
    for d in "0123456789":
        try:
            validate_municipality_code(prefix + d)
            valid.append(d)
        except ValidationError:
            pass
    assert valid == [str(municipality_code_check_digit(prefix))]
