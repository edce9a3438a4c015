import pytest

from reading.readkit import build


@pytest.fixture
def coded(cli, tmp_path):
    """A Teams-caption focus group coded by anna (passages) and ben (whole turns): ordinal -> segment id."""
    return build(cli, tmp_path)
