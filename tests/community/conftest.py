"""Forum fixtures: categories (public, members-only, tier-only), two members who ask and
answer, and questions to work on."""

import pytest

from community.models import Category
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import TierFactory, UserFactory


@pytest.fixture
def help_desk():
    return CategoryFactory(slug="help", name="Help", description="Ask anything.")


@pytest.fixture
def lounge():
    return CategoryFactory(slug="lounge", name="Lounge", members_only=True)


@pytest.fixture
def vip_room():
    """Tier-only, from rank 5: the `vip` persona (top tier) is in, `member` is not."""
    return CategoryFactory(
        slug="vip", name="VIP room", access=Category.Access.TIER, minimum_tier=TierFactory(rank=5)
    )


@pytest.fixture
def writing():
    return CategoryFactory(
        name="Writing", slug="writing", description="Posts, newsletters, ebooks."
    )


@pytest.fixture
def asker():
    return UserFactory(handle="asker", display_name="Ada Asker")


@pytest.fixture
def helper():
    return UserFactory(handle="helper", display_name="Hal Helper")


@pytest.fixture
def question(asker, help_desk):
    return start_thread(
        asker,
        help_desk,
        kind="question",
        title="Why does Celery run my task twice?",
        body="It runs twice after each deploy.",
    )


CODE_BODY = "Why does this fail?\n\n```python\ndef greet(name):\n    return f'hi {name}'\n```\n"


@pytest.fixture
def code_question(asker, writing):
    """A question in Writing whose opening post holds a Python code block."""
    return start_thread(
        asker, writing, kind="question", title="How do I highlight code in a talk", body=CODE_BODY
    )
