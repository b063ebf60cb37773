"""The hourly image limit holds under parallel uploads (PostgreSQL: a row lock on the member
serialises the count; SQLite would serialise every write and prove nothing)."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from community.exceptions import UploadLimitError
from community.models import UploadedImage
from community.services import images
from tests.members.factories import UserFactory
from tests.members.images import jpeg_with_gps

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UPLOADS = 8


def test_parallel_uploads_never_pass_the_hourly_limit(monkeypatch):
    monkeypatch.setattr(images, "UPLOADS_PER_HOUR", 3)
    member = UserFactory()
    data = jpeg_with_gps(40, 30)
    barrier = threading.Barrier(UPLOADS)

    def upload(_):
        try:
            barrier.wait(timeout=30)
            images.upload_post_image(member=member, upload=io.BytesIO(data), size=len(data))
        except UploadLimitError as error:
            return error
        finally:
            connection.close()
        return None

    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        outcomes = list(pool.map(upload, range(UPLOADS)))

    assert sum(outcome is None for outcome in outcomes) == 3
    assert sum(isinstance(outcome, UploadLimitError) for outcome in outcomes) == UPLOADS - 3
    assert UploadedImage.objects.filter(owner=member).count() == 3
