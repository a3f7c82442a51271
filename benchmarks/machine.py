"""What every benchmark's JSON line says about the machine it ran on (imported by the scripts beside it)."""

from __future__ import annotations

import os
import platform


def machine(load_before: tuple[float, float, float]) -> dict[str, object]:
    """CPU count, the load averages before the timed work and now, and the Python version."""
    return {
        "cpus": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
