import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_data_makes_a_community_and_is_idempotent(capsys):
    call_command("seed_demo")
    first_count = User.objects.count()

    call_command("seed_demo")

    assert first_count == 50
    assert User.objects.count() == 50
    assert EmailAddress.objects.filter(verified=True).count() == 50
    assert User.objects.filter(is_staff=True).count() == 1
    assert len({u.date_joined.date() for u in User.objects.all()}) > 30
    assert "0 new members" in capsys.readouterr().out
