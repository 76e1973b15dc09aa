"""Where the next centres should open: a p-median over Belgian towns.

Homes are first aggregated on the nearest town of the towns file (weight =
number of homes). Each demand town i goes today to the nearest existing centre
at distance b_i (infinite when there is none). Opening candidate j gives it
d_ij. We choose k candidates minimising sum_i w_i * min(b_i, min_open d_ij).

Exact model (uncapacitated): the "radius" formulation of Elloumi (2010) with
the chained, sparse covering constraints of Garcia, Labbe and Marin (2011):
for each demand i, sort the distinct distances D_i1 < ... < D_iK of the
candidates closer than b_i, and let z_ik = 1 when no open site lies within D_ik:
    cost_i = D_i1 + sum_k (D_i,k+1 - D_ik) z_ik       (D_i,K+1 = b_i)
    z_i1 >= 1 - sum_{j: d_ij = D_i1} y_j
    z_ik >= z_i,k-1 - sum_{j: d_ij = D_ik} y_j
    sum_j y_j = k,  y binary,  z >= 0.
Its LP relaxation is tight for these instances, so SCIP proves optimality
quickly; the answer always carries the gap between the best solution and the
proven bound. With a capacity per new site, the classic assignment model is
used (a town may split between sites; existing centres are not capacitated).

Greedy (fallback, or on request): add the best site k times, then try swaps;
its gap is measured against the LP relaxation's bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from smartwork.core.errors import InvalidInput
from smartwork.core.geo import EARTH_RADIUS_KM
from smartwork.insights import conf
from smartwork.insights.towns import Town, load_towns, require_on_map

STALE = 25
MAX_ITER = 600
BIG = 1e12
# demand towns x candidates kept above which the exact model is not attempted
MAX_MIP_CELLS = 30000
# Python builds about this many (demand town x candidate) cells of the model per
# second; a model that could not even be built in the time left is not tried.
BUILD_CELLS_PER_S = 15000
EXACT = "exact"
GREEDY = "greedy"


@dataclass(frozen=True)
class Site:
    name: str
    lat: float
    lon: float


@dataclass
class ChosenSite:
    name: str
    lat: float
    lon: float
    homes_served: float
    km_saved: float


@dataclass
class PlacementResult:
    k: int
    method: str
    status: str
    chosen: list[ChosenSite]
    homes: int
    demand_towns: int
    candidates: int
    existing_centres: int
    today_km: float | None
    after_km: float
    saving_km: float | None
    saving_pct: float | None
    bound_km: float | None
    gap: float | None
    seconds: float
    detour_factor: float
    notes: list[str] = field(default_factory=list)


def _rad(points: np.ndarray) -> np.ndarray:
    return np.radians(points)


def haversine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle km between every row of a (n x 2 lat,lon) and of b (m x 2)."""
    ra, rb = _rad(a), _rad(b)
    lat1, lon1 = ra[:, 0:1], ra[:, 1:2]
    lat2, lon2 = rb[:, 0][None, :], rb[:, 1][None, :]
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def aggregate_by_town(homes: np.ndarray, towns: Sequence[Town]) -> tuple[np.ndarray, np.ndarray]:
    """(town points k x 2, weights k) for the towns that receive at least one home."""
    town_pts = np.array([(t.lat, t.lon) for t in towns], dtype=float)
    counts = np.zeros(len(towns))
    # Nearest town on a local flat projection: exact enough at Belgium's scale
    # and it avoids trigonometry on 100,000 x 270 pairs.
    coslat = math.cos(math.radians(50.5))
    tx, ty = town_pts[:, 1] * coslat, town_pts[:, 0]
    for start in range(0, len(homes), 20000):
        chunk = homes[start:start + 20000]
        dx = chunk[:, 1:2] * coslat - tx[None, :]
        dy = chunk[:, 0:1] - ty[None, :]
        nearest = np.argmin(dx * dx + dy * dy, axis=1)
        counts += np.bincount(nearest, minlength=len(towns))
    keep = counts > 0
    return town_pts[keep], counts[keep]


def validate(*, homes: Sequence[tuple[float, float]], candidates: Sequence[Site], k: int,
             capacity: float | None) -> None:
    if k < 1:
        raise InvalidInput(_("Choose at least one new site."), fields={"k": [_("Must be at least 1.")]})
    if not candidates:
        raise InvalidInput(_("There are no candidate sites."),
                           fields={"candidates": [_("Give at least one candidate.")]})
    if k > len(candidates):
        why = _("k (%(k)s) is larger than the number of candidate sites (%(n)s).") % {
            "k": k, "n": len(candidates)}
        raise InvalidInput(why, code="k_too_large", fields={"k": [why]})
    if capacity is not None and capacity <= 0:
        raise InvalidInput(_("The capacity must be positive."),
                           fields={"capacity": [_("Must be greater than 0.")]})
    for i, c in enumerate(candidates):
        require_on_map(c.lat, c.lon, field=f"candidates[{i}]")
    arr = np.asarray(homes, dtype=float).reshape(-1, 2)
    min_lat, max_lat, min_lon, max_lon = conf.map_bounds()
    outside = ~((arr[:, 0] >= min_lat) & (arr[:, 0] <= max_lat)
                & (arr[:, 1] >= min_lon) & (arr[:, 1] <= max_lon))
    if outside.any():
        i = int(np.argmax(outside))
        require_on_map(float(arr[i, 0]), float(arr[i, 1]), field=f"homes[{i}]")
    if not len(arr):
        raise InvalidInput(_("No member has a home location to plan for."),
                           code="no_homes", fields={"homes": [_("No home locations.")]})


def solve(*, homes: Sequence[tuple[float, float]], existing: Sequence[tuple[float, float]],
          candidates: Sequence[Site], k: int, capacity: float | None = None,
          method: str = EXACT, time_limit_s: float | None = None,
          towns: Sequence[Town] | None = None, aggregate: bool = True) -> PlacementResult:
    started = time.perf_counter()
    validate(homes=homes, candidates=candidates, k=k, capacity=capacity)
    detour = conf.detour_factors()[conf.placement_mode()]
    home_arr = np.asarray(homes, dtype=float).reshape(-1, 2)
    if aggregate:
        demand_pts, weights = aggregate_by_town(home_arr, towns or load_towns())
    else:
        demand_pts, weights = home_arr, np.ones(len(home_arr))
    cand_pts = np.array([(c.lat, c.lon) for c in candidates], dtype=float)
    dist = haversine_matrix(demand_pts, cand_pts) * detour
    if existing:
        base = (haversine_matrix(demand_pts, np.asarray(existing, dtype=float)) * detour).min(axis=1)
    else:
        base = np.full(len(demand_pts), np.inf)
    if capacity is not None and not existing and capacity * k < weights.sum():
        why = _("%(k)s sites of capacity %(c)s cannot serve %(n)s homes.") % {
            "k": k, "c": capacity, "n": int(weights.sum())}
        raise InvalidInput(why, code="capacity_too_small", fields={"capacity": [why]})
    limit = time_limit_s if time_limit_s is not None else conf.placement_time_limit_s()
    notes: list[str] = []
    greedy_idx, greedy_cost = _greedy(dist, base, weights, k)
    lagr_bound, keep, lagr_set, _lagr_cost = _lagrangian(dist, base, weights, k, greedy_cost,
                                                          limit / 4)
    if lagr_set is not None:
        polished, polished_cost = _local_search(lagr_set, dist, base, weights)
        if polished_cost < greedy_cost:
            greedy_idx, greedy_cost = polished, polished_cost
    outcome = None
    if method == EXACT:
        outcome = _solve_mip(dist, base, weights, k, capacity, started + limit,
                             keep if capacity is None else np.ones(len(candidates), bool),
                             greedy_idx if capacity is None else None)
        if outcome is None:
            notes.append(_("The exact solver found no solution in time; greedy answer shown."))
    if outcome is None:
        if capacity is not None:
            notes.append(_("The greedy answer ignores the capacity."))
        outcome = (greedy_idx, greedy_cost, lagr_bound if capacity is None else None, "greedy")
    open_idx, after, bound, status = outcome
    if status != "greedy" and capacity is None and greedy_cost < after - 1e-9:
        # The solver stopped on time with a worse incumbent than the heuristic.
        open_idx, after = greedy_idx, greedy_cost
    if bound is not None and capacity is None:
        bound = max(bound, lagr_bound)
    today = float((weights * base).sum()) if existing else None
    chosen = _describe(open_idx, dist, base, weights, candidates)
    method_used = GREEDY if status == "greedy" else EXACT
    gap = None
    if bound is not None:
        gap = 0.0 if after <= 1e-9 else max(0.0, (after - bound) / after)
        if status == "greedy" and gap <= 1e-9:
            status = "optimal"  # the heuristic's answer meets the proven bound
    return PlacementResult(
        k=k, method=method_used, status=status, chosen=chosen,
        homes=len(home_arr), demand_towns=len(demand_pts), candidates=len(candidates),
        existing_centres=len(existing), today_km=_r(today), after_km=_r(after) or 0.0,
        saving_km=_r(today - after) if today is not None else None,
        saving_pct=round(100 * (today - after) / today, 2) if today else None,
        bound_km=_r(bound), gap=gap,
        seconds=round(time.perf_counter() - started, 3), detour_factor=detour, notes=notes,
    )


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def _assign(open_idx: Sequence[int], dist: np.ndarray, base: np.ndarray) -> np.ndarray:
    if not open_idx:
        return base.copy()
    return np.minimum(base, dist[:, list(open_idx)].min(axis=1))


def _describe(open_idx: Sequence[int], dist: np.ndarray, base: np.ndarray, weights: np.ndarray,
              candidates: Sequence[Site]) -> list[ChosenSite]:
    """Homes served and km saved per chosen site (nearest-site assignment)."""
    out = []
    cols = list(open_idx)
    sub = dist[:, cols]
    best = sub.argmin(axis=1)
    best_d = sub.min(axis=1)
    served = best_d < base
    for pos, j in enumerate(cols):
        mask = served & (best == pos)
        gain = np.where(np.isinf(base[mask]), 0.0, base[mask] - best_d[mask])
        out.append(ChosenSite(name=candidates[j].name, lat=candidates[j].lat,
                              lon=candidates[j].lon, homes_served=float(weights[mask].sum()),
                              km_saved=round(float((weights[mask] * gain).sum()), 2)))
    return sorted(out, key=lambda s: (-s.homes_served, s.name))


# --- lower bound and reduction ----------------------------------------------------


def _lagrangian(dist, base, weights, k, upper, budget_s
                ) -> tuple[float, np.ndarray, list[int] | None, float]:
    """Lagrangian bound of the p-median (assignment constraints relaxed,
    subgradient steps) and the candidates that may still belong to a solution
    better than `upper`: forcing candidate j open gives a bound L_j; when
    L_j > upper, no better solution opens j (reduced-cost fixing, Beasley 1993).
    The sites the relaxation opens at each step are also tried as solutions
    (a Lagrangian heuristic): the best is returned and tightens `upper`.
    Returns (best bound, mask of candidates kept, best sites seen, their cost)."""
    m = dist.shape[1]
    cost = weights[:, None] * dist
    exist = weights * base  # inf where there is no existing centre
    has_exist = np.isfinite(exist)
    lam = np.minimum(cost.min(axis=1), np.where(has_exist, exist, np.inf))
    best = -np.inf
    keep = np.ones(m, dtype=bool)
    mu = 2.0
    stale = 0
    deadline = time.perf_counter() + budget_s
    best_set: list[int] | None = None
    best_cost = upper
    best_rho = None
    for _step in range(MAX_ITER):
        red = np.minimum(0.0, cost - lam[:, None])
        rho = red.sum(axis=0)
        order = np.argpartition(rho, k - 1)[:k] if k < m else np.arange(m)
        fixed = np.where(has_exist, np.minimum(0.0, exist - lam), 0.0).sum()
        value = lam.sum() + fixed + rho[order].sum()
        trial = _cost(list(order), dist, base, weights)
        if trial < best_cost - 1e-9 * max(1.0, best_cost):
            best_set, best_cost = [int(j) for j in order], trial
            upper = min(upper, trial)
        if value > best + 1e-9 * abs(best if math.isfinite(best) else 1):
            best, stale = value, 0
            if k < m:
                best_rho = (value, rho, rho[order].max(), order)
        else:
            stale += 1
            if stale >= STALE:
                mu, stale = mu / 2, 0
        if upper - best <= 1e-7 * max(1.0, upper) or mu < 1e-4 or time.perf_counter() > deadline:
            break
        served = (cost[:, order] - lam[:, None] < 0).sum(axis=1)
        served = served + (has_exist & (exist - lam < 0))
        grad = 1.0 - served
        norm = float((grad * grad).sum())
        if norm == 0:
            break
        lam = lam + mu * (upper - value) / norm * grad
    if best_rho is not None:
        # The reduction again, against the final (possibly better) upper bound.
        value, rho, kth, order = best_rho
        keep = (value - kth + rho) <= upper * (1 + 1e-9) + 1e-9
        keep[order] = True
    return float(best), keep, best_set, best_cost


# --- exact ----------------------------------------------------------------------


def _solver(name: str, limit: float):
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:
        return None
    solver.SetTimeLimit(max(1, int(limit * 1000)))
    return solver


def _solve_mip(dist, base, weights, k, capacity, deadline, keep, hint):
    """SCIP on the candidates that survived the reduction; None on failure."""
    from ortools.linear_solver import pywraplp

    cols = np.nonzero(keep)[0]
    if len(cols) < k:
        cols = np.arange(dist.shape[1])
    cells = dist.shape[0] * len(cols)
    if cells > MAX_MIP_CELLS or cells / BUILD_CELLS_PER_S > deadline - time.perf_counter():
        # SCIP's LP alone would not finish within the limit on a model this
        # size: answer with the heuristic and its Lagrangian gap instead.
        return None
    sub = dist[:, cols]
    if capacity is None:
        built = _radius_model(sub, base, weights, k, 1.0)
    else:
        built = _assignment_model(sub, base, weights, k, capacity, 1.0)
    if built is None:
        return None
    solver, y = built
    left = deadline - time.perf_counter()
    if left < 0.05:
        return None
    # The time limit counts from here: building the model has used part of it.
    solver.SetTimeLimit(max(1, int(left * 1000)))
    if hint is not None:
        pos = {int(j): p for p, j in enumerate(cols)}
        solver.SetHint(y, [1.0 if int(cols[p]) in set(hint) else 0.0 for p in range(len(cols))])
        del pos
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, conf.placement_mip_gap())
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    open_idx = [int(cols[p]) for p, var in enumerate(y) if var.solution_value() > 0.5]
    objective = float(solver.Objective().Value())
    bound = float(solver.Objective().BestBound())
    if not math.isfinite(bound):
        bound = objective if status == pywraplp.Solver.OPTIMAL else -math.inf
    if capacity is None:
        objective = float((weights * _assign(open_idx, dist, base)).sum())
    return (open_idx, objective, min(bound, objective),
            "optimal" if status == pywraplp.Solver.OPTIMAL else "time_limit")


def _radius_model(dist, base, weights, k, limit):
    solver = _solver("SCIP", limit)
    if solver is None:
        return None
    n, m = dist.shape
    y = [solver.BoolVar(f"y{j}") for j in range(m)]
    solver.Add(solver.Sum(y) == k)
    objective = solver.Objective()
    constant = 0.0
    for i in range(n):
        row = dist[i]
        reach = np.nonzero(row < base[i])[0]
        if len(reach) == 0:
            constant += weights[i] * base[i]
            continue
        levels, inverse = np.unique(row[reach], return_inverse=True)
        groups: list[list[int]] = [[] for _ in levels]
        for pos, lvl in enumerate(inverse):
            groups[lvl].append(int(reach[pos]))
        constant += weights[i] * levels[0]
        upper = list(levels[1:]) + ([base[i]] if math.isfinite(base[i]) else [])
        prev = None
        for lvl, nxt in enumerate(upper):
            z = solver.NumVar(0, 1, "")
            cover = [y[j] for j in groups[lvl]]
            if prev is None:
                solver.Add(z + solver.Sum(cover) >= 1)
            else:
                solver.Add(z - prev + solver.Sum(cover) >= 0)
            objective.SetCoefficient(z, float(weights[i] * (nxt - levels[lvl])))
            prev = z
    objective.SetOffset(float(constant))
    objective.SetMinimization()
    return solver, y


def _assignment_model(dist, base, weights, k, capacity, limit):
    solver = _solver("SCIP", limit)
    if solver is None:
        return None
    n, m = dist.shape
    y = [solver.BoolVar(f"y{j}") for j in range(m)]
    solver.Add(solver.Sum(y) == k)
    objective = solver.Objective()
    load: list[list] = [[] for _ in range(m)]
    constant = 0.0
    for i in range(n):
        finite = math.isfinite(base[i])
        reach = np.nonzero(dist[i] < base[i])[0]
        xs = []
        for j in reach:
            x = solver.NumVar(0, 1, "")
            solver.Add(x <= y[j])
            xs.append(x)
            load[j].append((x, weights[i]))
            gain = dist[i, j] - (base[i] if finite else 0.0)
            objective.SetCoefficient(x, float(weights[i] * gain))
        if finite:
            constant += weights[i] * base[i]
            if xs:
                solver.Add(solver.Sum(xs) <= 1)
        else:
            solver.Add(solver.Sum(xs) == 1)
    for j in range(m):
        if load[j]:
            solver.Add(solver.Sum([x * float(w) for x, w in load[j]]) <= capacity * y[j])
    objective.SetOffset(float(constant))
    objective.SetMinimization()
    return solver, y


# --- greedy ---------------------------------------------------------------------


def _greedy(dist, base, weights, k) -> tuple[list[int], float]:
    """Add the best site k times, then swap one site at a time while it helps."""
    current = np.where(np.isinf(base), BIG, base)
    open_idx: list[int] = []
    for _pick in range(k):
        costs = (weights[:, None] * np.minimum(current[:, None], dist)).sum(axis=0)
        costs[open_idx] = np.inf
        j = int(np.argmin(costs))
        open_idx.append(j)
        current = np.minimum(current, dist[:, j])
    return _local_search(open_idx, dist, base, weights)


def _cost(open_idx, dist, base, weights) -> float:
    return float((weights * _assign(open_idx, dist, base)).sum())


def _local_search(open_idx, dist, base, weights) -> tuple[list[int], float]:
    """Swap one open site for the best closed one while the total falls."""
    open_idx = list(open_idx)
    base_big = np.where(np.isinf(base), BIG, base)
    best = float((weights * np.minimum(base_big, dist[:, open_idx].min(axis=1))).sum())
    for _round in range(20):
        improved = False
        for pos in range(len(open_idx)):
            others = open_idx[:pos] + open_idx[pos + 1:]
            rest = base_big if not others else np.minimum(base_big, dist[:, others].min(axis=1))
            costs = (weights[:, None] * np.minimum(rest[:, None], dist)).sum(axis=0)
            costs[open_idx] = np.inf
            j = int(np.argmin(costs))
            if costs[j] < best - 1e-9 * max(1.0, best):
                open_idx[pos] = j
                best = float(costs[j])
                improved = True
        if not improved:
            break
    return open_idx, _cost(open_idx, dist, base, weights)
