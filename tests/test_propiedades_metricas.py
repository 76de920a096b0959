"""Propiedades de las métricas: distancias entre muestras e intervalos de confianza."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.metrics import energy_distance, frechet_distance
from genai_utils.stats import wilson_interval

_nubes = st.tuples(st.integers(3, 30), st.integers(3, 30), st.integers(1, 4), st.integers(0, 10**6))


def _nube(n: int, d: int, semilla: int, desplazamiento: float = 0.0) -> torch.Tensor:
    return torch.randn(n, d, generator=torch.Generator().manual_seed(semilla)) + desplazamiento


@settings(max_examples=80, deadline=None)
@given(_nubes, st.floats(-3, 3))
def test_distancias_simetricas_y_no_negativas(tamanos, desplazamiento) -> None:
    n, m, d, semilla = tamanos
    a, b = _nube(n, d, semilla), _nube(m, d, semilla + 1, desplazamiento)
    for distancia in (energy_distance, frechet_distance):
        ab, ba = distancia(a, b), distancia(b, a)
        assert ab >= 0 and np.isfinite(ab)
        assert abs(ab - ba) < 1e-4 * max(1.0, ab)


@settings(max_examples=80, deadline=None)
@given(_nubes)
def test_una_muestra_esta_a_distancia_cero_de_si_misma(tamanos) -> None:
    n, _, d, semilla = tamanos
    a = _nube(n, d, semilla)
    assert energy_distance(a, a) < 1e-5
    assert frechet_distance(a, a) < 1e-4


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(1, 3), st.integers(0, 10**6), st.floats(2, 20))
def test_frechet_crece_al_separar_las_medias(n, d, semilla, lejos) -> None:
    """Alejar b de a en la dirección que ya las separa suma exactamente (|Δμ| + t)² − |Δμ|²."""
    a, b = _nube(n, d, semilla), _nube(n, d, semilla + 1)
    diferencia = b.mean(0) - a.mean(0)
    direccion = diferencia / diferencia.norm()
    antes, despues = frechet_distance(a, b), frechet_distance(a, b + lejos * direccion)
    separacion = float(diferencia.norm())
    esperado = (separacion + lejos) ** 2 - separacion**2
    assert despues > antes
    assert abs((despues - antes) - esperado) < 1e-3 * max(1.0, despues)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000), st.data(), st.floats(0.5, 0.999))
def test_wilson_contiene_la_proporcion_y_esta_en_0_1(n, data, confianza) -> None:
    exitos = data.draw(st.integers(0, n))
    bajo, alto = wilson_interval(exitos, n, confianza)
    eps = 1e-12  # redondeo de coma flotante en los extremos
    assert 0 <= bajo <= exitos / n + eps and exitos / n <= alto + eps and alto <= 1
    mas_datos = wilson_interval(exitos * 4, n * 4, confianza)
    assert mas_datos[1] - mas_datos[0] <= alto - bajo + 1e-12, "con más datos, más estrecho"
