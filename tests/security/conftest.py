import pytest
from django.core.management import call_command

from tests.conftest import TESTDATA

HOSTILE = TESTDATA / "hostile"


def import_hostile() -> None:
    """The five hostile files (a WXR, a Disqus export, two text dumps, a cmforum-json
    archive), through import_dump as an operator would import them."""
    call_command("import_dump", str(HOSTILE), verbosity=0)


@pytest.fixture
def hostile(db):
    import_hostile()


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client
