"""The project reads through QuerySets: nothing compiles SQL through Django's private compiler."""

from pathlib import Path

from django.conf import settings


def test_no_module_compiles_sql_through_djangos_private_compiler():
    base = Path(settings.BASE_DIR)
    sources = [path for folder in ("console", "refunds", "tickets") for path in (base / folder).rglob("*.py")]

    assert sources and not [str(path) for path in sources if "get_compiler" in path.read_text()]
