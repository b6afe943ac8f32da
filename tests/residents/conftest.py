import pytest

from tests.residents.setups import build_hood


@pytest.fixture
def hood(world):
    return build_hood(world)
