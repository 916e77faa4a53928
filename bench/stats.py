"""The one way every benchmark states a percentile: linear interpolation between the nearest
ranks, inclusive of the sample's ends (``statistics.quantiles(method="inclusive")``, numpy's
default), so a p99 of 100 samples lies between its two slowest and never beyond them."""

from __future__ import annotations

import statistics


def quantiles(values) -> list[float]:
    """The 1st to 99th percentiles of ``values`` (index 49 is the median, 98 the p99)."""
    values = list(values)
    if len(values) == 1:
        return values * 99
    return statistics.quantiles(values, n=100, method="inclusive")


def percentile(values, q: float) -> float:
    """One percentile, ``q`` from 0 to 1 (0.5 the median, 0.99 the p99)."""
    values = sorted(values)
    if q <= 0:
        return values[0]
    if q >= 1:
        return values[-1]
    return quantiles(values)[round(q * 100) - 1]
