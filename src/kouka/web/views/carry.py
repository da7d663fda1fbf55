"""A new year from the last: the projects whose 事業期間 covers it are offered with their KPIs; the
administrator chooses which go on and types the year's targets beside last year's figures (read-only)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kouka.domain.eras import format_fiscal_year
from kouka.web import selectors
from kouka.web.models import Membership
from kouka.web.permissions import require_admin
from kouka.web.services.cycles import CarryRefused, cycle_carry
from kouka.web.views.common import staff_view


@staff_view
def carry(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    require_admin(member)
    source = selectors.carry_source(member, year)
    if source is None:
        messages.error(request, _("{year}の報告がないため、引き継ぐ事業はありません").format(
            year=format_fiscal_year(year - 1)))
        return redirect("kouka:dashboard")
    offers = selectors.carry_offers(source, year)
    status = 200
    if request.method == "POST":
        chosen = {o.project.number: {k.kpi.number: request.POST.get(f"target-{o.project.number}-{k.kpi.number}", "")
                                     for k in o.kpis}
                  for o in offers if request.POST.get(f"project-{o.project.number}") == "on"}
        try:
            cycle_carry(member=member, fiscal_year=year, source=source, chosen=chosen)
        except CarryRefused as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("{year}を始めました（引き継いだ事業 {count}件）").format(
                year=format_fiscal_year(year), count=len(chosen)))
            return redirect("kouka:cycle", year=year)
    return render(request, "kouka/staff/carry.html", {
        "year": year, "source": source, "offers": offers,
        "checked": {o.project.number for o in offers if request.POST.get(f"project-{o.project.number}") == "on"},
    }, status=status)
