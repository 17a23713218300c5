"""A country's team of focal points, managed by its submitters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from countries.models import CountryMembership
from countries.services import MembershipRefused, deactivate_membership, invite_focal_point
from reports import access


@login_required
def team(request: HttpRequest, country_id: int) -> HttpResponse:
    country = access.country_for(request.user, country_id)
    manage = access.can_manage_team(request.user, country)
    context = {
        "country": country,
        "can_manage": manage,
        "members": country.memberships.filter(is_active=True).select_related("user"),
        "roles": CountryMembership.Role.choices,
        "email": "",
        "role": CountryMembership.Role.CONTRIBUTOR,
    }
    if request.method == "POST":
        if not manage:
            return render(request, "countries/team.html", context, status=403)
        if "remove" in request.POST:
            member_id = request.POST["remove"]
            if not (member_id.isascii() and member_id.isdigit()):
                raise Http404("No such member")
            membership = get_object_or_404(
                country.memberships.filter(is_active=True), pk=int(member_id)
            )
            try:
                deactivate_membership(membership=membership, acting_user=request.user)
                messages.success(
                    request,
                    _("%(email)s is no longer a focal point.") % {"email": membership.user.email},
                )
            except MembershipRefused as error:
                messages.error(request, str(error))
            return redirect("country-team", country_id=country.pk)
        context["email"] = request.POST.get("email", "")
        context["role"] = request.POST.get("role", "")
        try:
            membership = invite_focal_point(
                country=country,
                email=context["email"],
                role=context["role"],
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except MembershipRefused as error:
            context["error"] = str(error)
            return render(request, "countries/team.html", context, status=400)
        messages.success(
            request,
            _("%(email)s is invited; an e-mail is on its way.") % {"email": membership.user.email},
        )
        return redirect("country-team", country_id=country.pk)
    return render(request, "countries/team.html", context)
