import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from community.models import Category, Post, Thread
from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_data_makes_a_believable_community_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Thread.objects.count(), Post.objects.count())

    call_command("seed_demo")

    # The demo is seeded (random.Random(2026)), so every number below is fixed.
    assert counts == (50, 10, 25)
    assert (User.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
    assert EmailAddress.objects.filter(verified=True).count() == 50
    assert User.objects.filter(is_staff=True).count() == 1
    assert len({u.date_joined.date() for u in User.objects.all()}) == 49
    assert User.objects.exclude(headline="").count() == 40
    assert Thread.objects.filter(kind="question", solution__isnull=False).count() == 3
    assert Thread.objects.filter(kind="question", solution__isnull=True).count() == 2
    assert Post.objects.filter(html__contains='class="highlight').count() == 3
    assert Category.objects.filter(access="tier").count() == 1
    assert "0 new members, 0 new threads" in capsys.readouterr().out
