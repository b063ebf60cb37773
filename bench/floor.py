"""The floor: the cheapest page a Django app can serve, measured beside Hearth's pages.

One indexed query for 25 rows into a tiny template. Served only when HEARTH_BENCH_FLOOR is
set (the benchmark sets it for its own gunicorn), at /bench/floor/.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine

from community.models import Thread

_TEMPLATE = Engine().from_string(
    "<!DOCTYPE html><html lang=en><title>Floor</title><ul>"
    "{% for id, title in rows %}<li><a href=/t/{{ id }}/>{{ title }}</a></li>{% endfor %}"
    "</ul></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    """The 25 latest thread titles: one query on the (last_activity_at, id) index."""
    rows = list(Thread.objects.order_by("-last_activity_at", "-id").values_list("id", "title")[:25])
    return HttpResponse(_TEMPLATE.render(Context({"rows": rows})))
