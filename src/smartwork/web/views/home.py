from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartwork.accounts.selectors import user_roles_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"roles": user_roles_summary(user=request.user)})
