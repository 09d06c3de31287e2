import pytest
from django.db import connection, connections
from console.models import PackageSpec
from django.test import testcases

orig = testcases.TransactionTestCase._fixture_setup.__func__
def traced(cls):
    print("\nDBG fixture_setup", cls.__name__, cls.__mro__[1].__name__, "serialized_rollback", cls.serialized_rollback, "has contents", hasattr(connections["default"], "_test_serialized_contents"), "specs before", PackageSpec.objects.count())
    r = orig(cls)
    print("DBG specs after", PackageSpec.objects.count())
    return r
testcases.TransactionTestCase._fixture_setup = classmethod(traced)

M = pytest.mark.django_db(transaction=True, serialized_rollback=True)

@M
@pytest.mark.parametrize("i", range(3))
def test_dbg(i, login, page):
    print("DBG test", i, "conn", id(connection), "specs now", PackageSpec.objects.count())
