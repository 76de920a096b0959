"""Incertidumbre de una proporción medida: el intervalo de Wilson.

Cuando un cuaderno dice «acierta 81 de 90 preguntas», la cifra viene de una muestra pequeña: con
otras 90 preguntas del mismo tipo saldría algo distinto. El intervalo de Wilson da el rango de
proporciones compatibles con lo observado; a diferencia del intervalo «p ± 1,96·√(p(1−p)/n)», no
se sale de [0, 1] y funciona bien con 0 o n aciertos.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from genai_utils.validation import check_fraction, check_non_negative_int, check_positive_int

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Intervalo de Wilson ``(bajo, alto)`` para la proporción ``successes / n``.

    >>> from genai_utils.report import fmt_num
    >>> bajo, alto = wilson_interval(81, 90)
    >>> fmt_num(bajo, 3), fmt_num(alto, 3)
    ('0,821', '0,946')
    """
    check_non_negative_int(successes, "successes")
    check_positive_int(n, "n")
    if successes > n:
        raise ValueError(f"`successes` ({successes}) no puede ser mayor que `n` ({n}).")
    check_fraction(confidence, "confidence")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
