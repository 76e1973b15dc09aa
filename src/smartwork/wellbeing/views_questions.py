"""The company's own survey questions: write one in its languages, switch one off or on.
A question is never edited once written (its results would change meaning)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError, Forbidden
from smartwork.core.forms import id_from_text
from smartwork.core.permissions import allowed
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page
from smartwork.wellbeing import own_questions, selectors
from smartwork.wellbeing.forms import QuestionForm
from smartwork.wellbeing.models import CompanyQuestion


@login_required
@page
@require_http_methods(["GET", "POST"])
def questions(request: AuthedRequest, company_id: int) -> HttpResponse:
    org = selectors.company_for(actor=request.user, company_id=company_id)
    may_manage = allowed(request.user, "wellbeing.manage", company=org)
    form = QuestionForm()
    if request.method == "POST":
        if not may_manage:
            raise Forbidden(_("Your role does not allow this here."))
        if request.POST.get("action") in ("off", "on"):
            question = get_object_or_404(CompanyQuestion, company=org,
                                         pk=id_from_text(request.POST.get("question")) or 0)
            own_questions.question_set_active(actor=request.user, question=question,
                                              active=request.POST["action"] == "on")
            messages.success(request, _("Question switched on.") if question.active
                             else _("Question switched off."))
            return redirect("wellbeing:questions", company_id=org.pk)
        form = QuestionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                own_questions.question_create(
                    actor=request.user, company=org, scale=d["scale"], family=d["family"],
                    text={lang: d[f"text_{lang}"] for lang in own_questions.LANGUAGES})
            except DomainError as exc:
                if "text" in exc.fields:
                    exc.fields["text_fr"] = exc.fields.pop("text")
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Question added: the next surveys ask it."))
                return redirect("wellbeing:questions", company_id=org.pk)
    rows = [{"question": q, "text": own_questions.question_text({"text": q.text},
                                                                 request.LANGUAGE_CODE),
             "scale": own_questions.SCALES.get(q.scale, q.scale)}
            for q in own_questions.questions_of(company=org, active_only=False)]
    return render(request, "wellbeing/questions.html", {
        "company": org, "tabs": company_tabs(request, org), "rows": rows, "form": form,
        "may_manage": may_manage})
