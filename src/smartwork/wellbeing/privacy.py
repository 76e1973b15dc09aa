"""Who may see what of the surveys (the privacy rules of DOMAIN.md and issue 19).

- A response is stored under a pseudonym, `respondent_token(user, company)`: an HMAC
  of the person and the company under a key derived from the server's SECRET_KEY. The
  person finds their own answers again with it; a company report cannot join it to a
  user. Limit: whoever holds both the database and the SECRET_KEY can recompute a
  person's token (pseudonymous, not anonymous); rotating the key cuts people off from
  their own history (their new answers start a new trend).
- Company and team figures are shown only for groups of at least
  settings.SMARTWORK["PRIVACY_MIN_GROUP"] (5) respondents; smaller teams are folded
  into "other teams", and when "other teams" itself stays under the threshold the
  smallest visible team joins it, so the company total cannot give a small group away
  by subtraction.
- No audit entry is written when a person answers (it would link the person to the
  moment a response row appears).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "smartwork.wellbeing.respondent"


def min_group() -> int:
    return int(settings.SMARTWORK.get("PRIVACY_MIN_GROUP", 5))


def respondent_token(*, user_id: int, company_id: int) -> str:
    return salted_hmac(SALT, f"{company_id}:{user_id}", algorithm="sha256").hexdigest()


def fold_teams(groups: list[dict[str, Any]], *, k: int, other_label: str) -> list[dict[str, Any]]:
    """Groups with 'name', 'n' (respondents) and 'total' (sum of scores): the visible
    ones (n >= k) plus at most one 'other' group of n >= k; nothing under k is shown."""
    visible = sorted((g for g in groups if g["n"] >= k), key=lambda g: (-g["n"], g["name"]))
    folded = [g for g in groups if g["n"] < k]
    if folded:
        while sum(g["n"] for g in folded) < k and visible:
            folded.append(visible.pop())
        n = sum(g["n"] for g in folded)
        if n >= k:
            visible.append({"name": other_label, "team": None, "n": n,
                            "total": sum(g["total"] for g in folded),
                            "low": sum(g.get("low", 0) for g in folded),
                            "folded_groups": len(folded)})
    return visible
