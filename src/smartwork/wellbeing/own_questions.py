"""A company's own questions in its pulse surveys (issue 19: "write your own questions
only where none exists").

A company writes a question in its languages, picks one of the catalogue's answer scales
and the family it measures. When a survey opens, the company's active questions are
copied into it (`Survey.questions`), so that a later change never alters what was asked.
Each answer is scored 0–100 like the instruments (the lowest answer 0, the highest 100)
and stored as an `IndicatorScore` under the question's key (`cq<id>`): the same privacy
rules hold (pseudonymous answers, groups of at least 5), with no code of their own.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartwork.accounts.models import Organisation, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.permissions import require
from smartwork.wellbeing import instruments
from smartwork.wellbeing.choices import Family
from smartwork.wellbeing.models import CompanyQuestion

PREFIX = "cq"
LANGUAGES = ("fr", "nl", "de", "en")
MAX_LENGTH = 300
# The catalogue's scales a company may use, with what the admin reads when choosing.
SCALES = {
    "extent5": gettext_lazy("Not at all … Completely (5 answers)"),
    "frequency5": gettext_lazy("Never … Always (5 answers)"),
    "zero_to_ten": gettext_lazy("0 to 10"),
    "yes_no": gettext_lazy("Yes / No"),
}


def is_own(key: str) -> bool:
    rest = key[len(PREFIX):]
    return key.startswith(PREFIX) and rest.isascii() and rest.isdigit()


def question_create(*, actor: User, company: Organisation, text: dict[str, str], scale: str,
                    family: str) -> CompanyQuestion:
    require(actor, "wellbeing.manage", company=company)
    fields: dict[str, list[str]] = {}
    clean = {lang: (text.get(lang) or "").strip() for lang in LANGUAGES if
             (text.get(lang) or "").strip()}
    unknown = sorted(set(text) - set(LANGUAGES))
    if unknown:
        fields["text"] = [_("Languages are fr, nl, de and en.")]
    elif not clean:
        fields["text"] = [_("Write the question in at least one language.")]
    elif any(len(t) > MAX_LENGTH for t in clean.values()):
        fields["text"] = [_("A question has %(n)s characters at most.") % {"n": MAX_LENGTH}]
    if scale not in SCALES:
        fields["scale"] = [_("Choose one of the answer scales offered.")]
    if family not in Family.values:
        fields["family"] = [_("Choose productivity, social well-being or IT security.")]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], code="invalid_question",
                           fields=fields)
    question = CompanyQuestion.objects.create(company=company, text=clean, scale=scale,
                                              family=family, created_by=actor)
    audit_log(actor=actor, action="wellbeing.question_created", obj=question,
              data={"scale": scale, "family": family, "languages": sorted(clean)},
              network_id=company.network_id)
    return question


def question_set_active(*, actor: User, question: CompanyQuestion,
                        active: bool) -> CompanyQuestion:
    require(actor, "wellbeing.manage", company=question.company)
    question.active = bool(active)
    question.save(update_fields=["active"])
    audit_log(actor=actor, action="wellbeing.question_active", obj=question,
              data={"active": question.active}, network_id=question.company.network_id)
    return question


def questions_of(*, company: Organisation | int, active_only: bool = True,
                 ) -> list[CompanyQuestion]:
    company_id = company if isinstance(company, int) else company.pk
    qs = CompanyQuestion.objects.filter(company_id=company_id)
    return list(qs.filter(active=True) if active_only else qs)


def snapshot(questions: list[CompanyQuestion]) -> list[dict[str, Any]]:
    """What a survey keeps of its questions when it opens."""
    return [{"key": q.key, "text": dict(q.text), "scale": q.scale, "family": q.family}
            for q in questions]


def question_text(question: dict[str, Any], language: str | None = None) -> str:
    texts: dict[str, str] = question["text"]
    code = instruments.lang(language)
    return texts.get(code) or texts.get("en") or next(iter(texts.values()), "")


def _scale(question: dict[str, Any]) -> dict[str, Any]:
    scale: dict[str, Any] = instruments.catalogue()["scales"][question["scale"]]
    return scale


def block(questions: list[dict[str, Any]], language: str | None = None,
          ) -> dict[str, Any] | None:
    """The survey page's block of the company's questions (None when there are none)."""
    if not questions:
        return None
    items = []
    for q in questions:
        sc = _scale(q)
        labels = sc["labels"][instruments.lang(language)] or [str(v) for v in sc["values"]]
        items.append({"key": q["key"], "text": question_text(q, language),
                      "choices": list(zip(sc["values"], labels, strict=True))})
    return {"key": "own", "name": _("Questions from your company"),
            "timeframe": _("Written by your company, not a validated instrument."),
            "origin": "company", "items": items}


def validate(questions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, int]:
    """Every question answered with one of its scale's values (InvalidInput otherwise)."""
    clean: dict[str, int] = {}
    fields: dict[str, list[str]] = {}
    for q in questions:
        raw = answers.get(q["key"])
        try:
            value = int(raw) if raw is not None and str(raw).strip() != "" else None
        except (TypeError, ValueError):
            value = None
        if value is None:
            fields[q["key"]] = [_("Answer this question.")]
        elif value not in _scale(q)["values"]:
            fields[q["key"]] = [_("Choose one of the answers offered.")]
        else:
            clean[q["key"]] = value
    if fields:
        raise InvalidInput(_("Some answers are missing or not valid."), code="invalid_answers",
                           fields=fields)
    return clean


def score(question: dict[str, Any], value: int) -> int:
    """0 for the scale's lowest answer, 100 for its highest."""
    values = _scale(question)["values"]
    low, high = min(values), max(values)
    return round(100 * (value - low) / (high - low))


def names(surveys: list[Any], language: str | None = None) -> dict[str, dict[str, str]]:
    """Key → name and family of the company's questions asked in `surveys` (latest text)."""
    out: dict[str, dict[str, str]] = {}
    for s in surveys:
        for q in s.questions or []:
            out[q["key"]] = {"name": question_text(q, language), "family": q["family"]}
    return out
