"""The benchmark's floor (docs/performance.md): a signed-in page rendering a 50-row table from one
indexed query (``case_opened_idx``), through the same middleware as every page. Routed only when
``settings.BENCH_FLOOR`` is on (config/settings/bench.py); no deployed settings set it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.models import Case


@login_required
def floor(request):
    rows = list(Case.objects.order_by("-opened_at", "-id")
                .values_list("number", "status", "initials", "opened_at")[:50])
    return render(request, "bench_floor.html", {"rows": rows})
