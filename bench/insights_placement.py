"""Benchmark: where to open the next centres (p-median, OR-Tools SCIP).

    .venv/bin/python bench/insights_placement.py

Homes are drawn around the Belgian towns of the data file (each home picks a
town, then a Gaussian offset of about 5 km); candidates are uniform random
points over Belgium. Existing centres: the 12 Walloon cities listed below
(an operator always has some). Cases from the issue:
  - 100,000 homes, 500 candidates, k = 5: <= 10 s with a proven gap <= 1 %
  - 10,000 homes, 100 candidates, k = 5: <= 1 s
plus the same two without any existing centre (harder: every home must be
served by the new sites), reported as they come.
Times cover everything solve() does: validation, aggregation by town,
distances, greedy start, Lagrangian bound and reduction, SCIP.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.test_settings")

import django

django.setup()

import numpy as np  # noqa: E402

from smartwork.insights.placement import Site, solve  # noqa: E402
from smartwork.insights.towns import load_towns  # noqa: E402

EXISTING = [(50.4669, 4.8675), (50.6326, 5.5797), (50.4108, 4.4446), (50.7167, 4.6000),
            (49.6833, 5.8167), (50.4542, 3.9567), (50.6056, 3.3878), (50.2272, 5.3444),
            (50.5891, 5.8623), (50.2606, 4.9122), (50.5981, 4.3286), (50.0000, 5.7167)]


def instance(homes: int, candidates: int, seed: int):
    rng = np.random.default_rng(seed)
    towns = np.array([(t.lat, t.lon) for t in load_towns()])
    pts = towns[rng.integers(0, len(towns), homes)] + rng.normal(0, 0.045, (homes, 2))
    pts[:, 0] = pts[:, 0].clip(49.5, 51.5)
    pts[:, 1] = pts[:, 1].clip(2.55, 6.4)
    cands = [Site(f"site {j}", float(rng.uniform(49.55, 51.45)), float(rng.uniform(2.6, 6.3)))
             for j in range(candidates)]
    return pts, cands


def run(homes: int, candidates: int, existing, label: str, limit: float, seeds=(1, 2, 3)) -> None:
    for seed in seeds:
        pts, cands = instance(homes, candidates, seed)
        t, cpu = time.perf_counter(), time.process_time()
        r = solve(homes=pts, existing=existing, candidates=cands, k=5, time_limit_s=limit)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        gap = "n/a" if r.gap is None else f"{100 * r.gap:.3f} %"
        print(f"{label:<34} seed {seed}: {wall:6.2f} s wall {cpu:6.2f} s CPU  status {r.status:<10} method {r.method:<6}"
              f" gap {gap:<9} towns {r.demand_towns}  after {r.after_km:,.0f} km"
              + (f"  saving {r.saving_pct} %" if r.saving_pct is not None else ""))


if __name__ == "__main__":
    print(f"numpy {np.__version__}; towns in data file: {len(load_towns())}")
    run(100_000, 500, EXISTING, "100k homes, 500 cand., 12 existing", 10.0)
    run(10_000, 100, EXISTING, "10k homes, 100 cand., 12 existing", 1.0)
    run(100_000, 500, [], "100k homes, 500 cand., none", 10.0)
    run(10_000, 100, [], "10k homes, 100 cand., none", 1.0)
    print(f"load average: {os.getloadavg()}")
