import pytest

from kasane.evaluation import demo, services


@pytest.fixture
def plan(municipality):
    """The 13 sheets of 第四次長野市地域福祉計画 (seed 000), loaded into the test municipality."""
    return services.plan_import(user=None, municipality_id=municipality.pk, data=demo.plan_data())
