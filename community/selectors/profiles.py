"""What a member wrote (profile page, data export)."""

from __future__ import annotations

from typing import Any

from community import policies
from community.models import Post, Thread, UploadedImage
from members.models import User
from members.policies import Viewer


def recent_threads_by(member: User, viewer: Viewer) -> list[Thread]:
    """The member's five newest threads the viewer may see (a profile block)."""
    return list(
        policies.visible_threads(viewer)
        .filter(author=member)
        .select_related("category")
        .order_by("-created_at")[:5]
    )


def recent_posts_by(member: User, viewer: Viewer) -> list[Post]:
    """The member's five newest live replies the viewer may see (a profile block)."""
    return list(
        policies.visible_posts(viewer)
        .filter(author=member, is_deleted=False, number__gt=1)
        .select_related("thread")
        .defer("search_vector")
        .order_by("-created_at")[:5]
    )


def export_threads(member: User) -> list[dict[str, Any]]:
    """Every thread the member started, for their data export."""
    return [
        {
            "id": t.pk,
            "title": t.title,
            "kind": t.kind,
            "category": t.category.slug,
            "created_at": t.created_at.isoformat(),
        }
        for t in Thread.objects.filter(author=member).select_related("category").order_by("pk")
    ]


def export_posts(member: User) -> list[dict[str, Any]]:
    """Every post the member wrote (deleted ones too), for their data export."""
    return [
        {
            "id": p.pk,
            "thread_id": p.thread_id,
            "number": p.number,
            "source": p.source,
            "created_at": p.created_at.isoformat(),
            "is_deleted": p.is_deleted,
            "edited_at": p.edited_at.isoformat() if p.edited_at else None,
        }
        for p in Post.objects.filter(author=member).defer("search_vector").order_by("pk").iterator()
    ]


def export_images(member: User) -> list[dict[str, Any]]:
    """Every image the member uploaded into posts (its address and size), for their data
    export."""
    return [
        {
            "url": image.file.url,
            "width": image.width,
            "height": image.height,
            "bytes": image.byte_size,
            "created_at": image.created_at.isoformat(),
        }
        for image in UploadedImage.objects.filter(owner=member).order_by("pk").iterator()
    ]
