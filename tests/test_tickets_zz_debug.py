import pytest
from console.models import PackageSpec
from django.contrib.contenttypes.models import ContentType

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_debug(live_server):
    print("SPECS", PackageSpec.objects.count(), ContentType.objects.count())
