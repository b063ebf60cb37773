"""Members: accounts and, later, profiles, notifications and loyalty."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from members.validators import HANDLE_MAX_LENGTH, handle_validators


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are matched without regard to case, as they are stored lower-cased.
        return self.get(email__iexact=username)

    def _create(self, email: str, handle: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        if not handle:
            raise ValueError("A handle is required.")
        user = self.model(email=normalize_email(email), handle=handle, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str, handle: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, handle, password, **extra)

    def create_superuser(
        self, email: str, handle: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, handle, password, **extra)


def normalize_email(email: str) -> str:
    """Emails are stored trimmed and lower-cased so that one inbox is one account."""
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Signs in by email; is @mentioned by handle."""

    email = models.EmailField("email address", unique=True)
    handle = models.CharField(
        max_length=HANDLE_MAX_LENGTH,
        validators=handle_validators,
        help_text="Your @name: letters, digits and underscores. Not case-sensitive.",
    )
    display_name = models.CharField(max_length=80, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["handle"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                name="user_handle_unique_ci",
                violation_error_message="That handle is taken.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message="An account with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """What to call the member on pages: the display name, or the handle."""
        return self.display_name or self.handle
