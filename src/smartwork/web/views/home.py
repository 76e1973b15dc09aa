from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from smartwork.accounts.choices import Role
from smartwork.accounts.selectors import user_roles_summary
from smartwork.core.permissions import roles_of
from smartwork.web.views.helpers import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's starting points; every person is also a member who may book."""
    roles = roles_of(request.user)
    summary = user_roles_summary(user=request.user)
    labels = dict(Role.choices)
    for row in summary:
        row["label"] = labels.get(str(row["role"]), row["role"])
    return render(request, "web/home.html", {
        "roles": summary, "role_set": roles,
        "has_home": request.user.home_lat is not None,
    })
