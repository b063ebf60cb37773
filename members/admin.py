from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from members.forms import AdminUserCreationForm
from members.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # stubs pin the base to AbstractUser
    add_form = AdminUserCreationForm
    ordering = ("-date_joined",)
    list_display = (
        "handle",
        "email",
        "display_name",
        "is_staff",
        "is_moderator",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_moderator", "is_active")
    # Moderators are appointed on the moderators page (or the category moderator admin):
    # both go through the audited service, so the role is read-only here.
    readonly_fields = ("is_moderator", "suspended_until", "suspension_reason")
    search_fields = ("handle", "email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "handle", "display_name", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Moderation", {"fields": ("is_moderator", "suspended_until", "suspension_reason")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "handle", "password1", "password2")}),
    )


# Loyalty's models (rules, badges, tiers, the ledger and what derives from it).
import members.loyalty.admin  # noqa: E402  # registers them
import members.referrals.admin  # noqa: E402, F401  # registers the referral review admin
