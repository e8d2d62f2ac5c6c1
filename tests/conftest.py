from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TESTDATA = Path(__file__).resolve().parent / "data"

SEEDS = {
    "000": FIXTURES / "000_35b5d2382263f78a.txt",
    "001": FIXTURES / "001_0a401290472b4421.txt",
    "002": FIXTURES / "002_7d607e2aa660a376.txt",
    "003": FIXTURES / "003_2762b80dfeb9c568.txt",
    "004": FIXTURES / "004_e9026df061dc2806.txt",
}


def seed_text(key: str) -> str:
    return SEEDS[key].read_text(encoding="utf-8")


@pytest.fixture
def seed():
    """seed('000') -> the text of fixture 000."""
    return seed_text


def import_texts() -> None:
    """Import the five texts from fixtures/, as `make run` does."""
    from django.core.management import call_command

    call_command("import_dump", str(FIXTURES), verbosity=0)


@pytest.fixture
def texts(db):
    """The five texts, imported."""
    import_texts()


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "pw")


@pytest.fixture
def staff_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages are cached (cmforum.cache): no test sees another's cached pages."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
