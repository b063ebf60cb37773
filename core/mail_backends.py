"""The embedded default's email backend: every message is written to a file and printed."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class FileAndConsoleBackend(BaseEmailBackend):
    """Writes each message as an .eml file under MAIL_DIR and a summary to the console."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sys.stdout.write(
                f"\n--- email to {', '.join(message.to)}: {message.subject}\n"
                f"{message.body}\n--- saved as {path}\n"
            )
            sent += 1
        sys.stdout.flush()
        return sent
