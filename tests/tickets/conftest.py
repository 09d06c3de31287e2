import pytest

from tests.factories import MemberFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments are written under the test's own folder, never into the work tree."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner(client):
    """An account owner, signed in."""
    member = MemberFactory()
    client.force_login(member.user)
    return member
