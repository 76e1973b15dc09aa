"""CSV/XLSX tables of the wellbeing figures: aggregates only (never a response)."""

from __future__ import annotations

from typing import Any

from smartwork.insights.exports import Table


def results_tables(data: dict[str, Any]) -> dict[str, Table]:
    names = {i["key"]: i["name"] for i in data["indicators"]}
    by_survey = []
    for key, points in data["series"].items():
        for p in points:
            by_survey.append([p["title"], str(p["opens_on"]), key, names.get(key, key),
                              p["respondents"], p["mean"], p.get("share_low"), p["suppressed"]])
    keys = [i["key"] for i in data["indicators"]]
    by_policy = [[g["version"], str(g["effective_from"] or ""), g["remote_days"], g["surveys"],
                  *[g["means"].get(k) for k in keys]] for g in data.get("by_policy", [])]
    return {
        "by_policy_version": (["policy_version", "effective_from", "remote_days", "surveys",
                               *keys], by_policy),
        "by_survey": (["survey", "opens_on", "indicator", "indicator_name", "respondents",
                       "mean_0_100", "share_at_or_under_50_pct", "suppressed_under_min_group"],
                      by_survey),
        "by_team": (["survey", "indicator", "team", "respondents", "mean_0_100",
                     "folded_groups"],
                    [[t["survey"], t["indicator"], t["team"], t["respondents"], t["mean"],
                      t["folded_groups"]] for t in data["teams"]]),
    }


def network_tables(data: dict[str, Any]) -> dict[str, Table]:
    rows = [[str(p["month"]), key, p["respondents"], p["mean"]]
            for key, points in data["series"].items() for p in points]
    return {
        "by_month": (["month", "indicator", "respondents", "mean_0_100"], rows),
        "by_company": (["month", "indicator", "company", "respondents", "mean_0_100"],
                       [[str(c["month"]), c["indicator"], c["company"], c["respondents"],
                         c["mean"]] for c in data["companies"]]),
    }
