"""Calendarios de la tasa de aprendizaje (genai_utils.schedules)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from genai_utils.schedules import cosine_factor, warmup_then_cosine, warmup_times_cosine


def test_extremos_del_coseno() -> None:
    assert cosine_factor(0.0) == 1.0
    assert math.isclose(cosine_factor(0.5), 0.5)
    assert cosine_factor(1.0) < 1e-15 and cosine_factor(3.0) == cosine_factor(1.0)


def test_calentamiento_lineal_y_suelo() -> None:
    tasas = [warmup_then_cosine(s, s / 1000, 1e-2, warmup=50, floor=0.1) for s in range(1000)]
    assert tasas[0] == 1e-2 / 50 and math.isclose(tasas[49], 1e-2)
    assert all(a < b for a, b in zip(tasas[:49], tasas[1:50], strict=True))  # sube
    assert all(a >= b for a, b in zip(tasas[50:], tasas[51:], strict=False))  # luego baja
    assert math.isclose(warmup_then_cosine(999, 1.0, 1e-2, warmup=50, floor=0.1), 1e-3)


def test_coincide_con_la_formula_de_train_lm() -> None:
    # La fórmula que train_lm tenía escrita dentro: el cambio a este módulo no altera nada.
    for step in range(0, 1800, 7):
        f = step / 1800
        viejo = 2e-2 * (step + 1) / 50 if step < 50 else 2e-2 * (
            0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(f, 1.0))))
        assert warmup_then_cosine(step, f, 2e-2, warmup=50, floor=0.1) == viejo


@given(st.integers(0, 10_000), st.floats(0, 1), st.floats(1e-6, 1.0), st.integers(1, 200),
       st.floats(0, 0.9))
def test_la_tasa_nunca_supera_lr_ni_es_negativa(step, progress, lr, warmup, floor) -> None:
    for tasa in (warmup_then_cosine(step, progress, lr, warmup=warmup, floor=floor),
                 warmup_times_cosine(step, progress, lr, warmup=warmup)):
        assert -1e-18 <= tasa <= lr * (1 + 1e-12)
