"""Privacy of aggregates: who sees what.

A member sees their own detail. Everyone else (company admin, centre manager,
operator) sees aggregates only, and any group of fewer than
settings.SMARTWORK["PRIVACY_MIN_GROUP"] people (default 5) is folded into
"other"; if "other" itself stays under the threshold, the smallest visible
groups join it until it does not (otherwise the total would give it away).
Time buckets (weeks, months) with too few people are suppressed, and when the
whole scope has too few people nothing but that fact is shown.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

OTHER = "other"


def fold_small_groups(rows: list[dict[str, Any]], *, k: int) -> tuple[list[dict[str, Any]], int]:
    """Rows with 'people', 'seconds', 'visits' (and 'name'); returns the visible
    rows plus at most one 'other' row, and how many groups were folded.
    People in 'other' are summed over the folded groups, so a member present
    in two folded groups counts twice there (documented limitation)."""
    visible = sorted((dict(r) for r in rows), key=lambda r: (-r["seconds"], str(r.get("name"))))
    folded = [r for r in visible if r["people"] < k]
    visible = [r for r in visible if r["people"] >= k]

    def other_people() -> int:
        return sum(r["people"] for r in folded)

    while folded and other_people() < k and visible:
        folded.append(visible.pop())  # the smallest by hours
    out = visible
    if folded:
        out = [*visible, {
            "id": None, "key": OTHER, "name": _("Other (groups under %(k)s people)") % {"k": k},
            "seconds": sum(r["seconds"] for r in folded), "people": other_people(),
            "visits": sum(r.get("visits", 0) for r in folded), "folded_groups": len(folded),
        }]
    return out, len(folded)


def suppress_small_buckets(rows: list[dict[str, Any]], *, k: int) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        r = dict(r)
        if 0 < r["people"] < k:
            r.update(seconds=None, people=None, visits=None, suppressed=True)
        else:
            r["suppressed"] = False
        out.append(r)
    return out
