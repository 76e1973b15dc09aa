"""Pages of the legal library (read by companies, curated by the operator) and the
telework policy document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError
from smartwork.core.permissions import roles_of
from smartwork.network.models import Network
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page
from smartwork.wellbeing import legal, selectors
from smartwork.wellbeing.choices import LANGUAGES
from smartwork.wellbeing.forms import LegalForm


def _language(request: AuthedRequest) -> str | None:
    """?language= when it is one of the library's languages, else None (a NUL byte in
    it reached PostgreSQL's query and answered 500)."""
    value = request.GET.get("language")
    return value if value in dict(LANGUAGES) else None


@login_required
@page
@require_http_methods(["GET", "POST"])
def legal_library(request: AuthedRequest) -> HttpResponse:
    language = _language(request) or request.LANGUAGE_CODE[:2]
    roles = roles_of(request.user)
    networks = list(Network.objects.filter(pk__in=roles.operator_networks))
    form = LegalForm(initial={"language": language}) if networks else None
    if request.method == "POST" and networks:
        form = LegalForm(request.POST)
        network = next((n for n in networks if str(n.pk) == request.POST.get("network")),
                       networks[0])
        if form.is_valid():
            try:
                legal.legal_entry_create(actor=request.user, network=network,
                                         **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Legal entry added."))
                return redirect(f"{request.path}?language={form.cleaned_data['language']}")
    rows = legal.legal_list(actor=request.user, language=language)
    return render(request, "wellbeing/legal.html", {
        "rows": rows, "language": language, "form": form, "networks": networks,
        "overdue": sum(1 for r in rows if r["overdue"]),
        "languages": [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
    })


@login_required
@page
def policy_document(request: AuthedRequest, company_id: int) -> HttpResponse:
    from smartwork.wellbeing.policy_document import policy_pdf

    company = selectors.company_for(actor=request.user, company_id=company_id)
    try:
        pdf = policy_pdf(actor=request.user, company=company,
                         language=_language(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("wellbeing:company", company_id=company.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="telework-policy-{company.pk}.pdf"'
    return response

