"""Pruebas del intervalo de Wilson."""

import pytest

from genai_utils.stats import wilson_interval


def test_valores_calculados_a_mano() -> None:
    # p = 0,9, n = 90, z = 1,96: centro 0,8836 y semiancho 0,0629 (cuenta hecha aparte).
    bajo, alto = wilson_interval(81, 90)
    assert bajo == pytest.approx(0.8210, abs=1e-3)
    assert alto == pytest.approx(0.9463, abs=1e-3)


def test_extremos_dentro_de_cero_y_uno() -> None:
    assert wilson_interval(0, 12)[0] == 0.0
    assert wilson_interval(12, 12)[1] == pytest.approx(1.0)
    assert wilson_interval(12, 12)[0] > 0.7


def test_mas_confianza_intervalo_mas_ancho() -> None:
    a = wilson_interval(30, 60, 0.9)
    b = wilson_interval(30, 60, 0.99)
    assert b[0] < a[0] < 0.5 < a[1] < b[1]


@pytest.mark.parametrize(
    ("k", "n", "conf"), [(5, 4, 0.95), (-1, 4, 0.95), (1, 0, 0.95), (1, 4, 1.5)]
)
def test_errores_claros(k: int, n: int, conf: float) -> None:
    with pytest.raises((ValueError, TypeError)):
        wilson_interval(k, n, conf)
