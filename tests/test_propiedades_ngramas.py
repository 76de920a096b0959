"""Propiedades del modelo de n-gramas: cada distribución suma 1, con cualquier suavizado."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.ngram import CharNGram

_texto = st.text(alphabet="abcde ", min_size=5, max_size=200)
_modelo = st.tuples(st.integers(1, 5), st.sampled_from(["add_alpha", "kneser_ney"]))


@settings(max_examples=80, deadline=None)
@given(_texto, _modelo, st.text(alphabet="abcdexyz ", max_size=8))
def test_la_distribucion_siguiente_suma_uno(texto, modelo, contexto) -> None:
    orden, suavizado = modelo
    lm = CharNGram(orden, smoothing=suavizado).fit(texto)
    probs = lm.next_char_probs(contexto)
    assert set(probs) == set(lm.vocab)
    assert all(p > 0 for p in probs.values()), "el suavizado no deja probabilidades nulas"
    assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(_texto, _modelo)
def test_la_log_verosimilitud_es_la_suma_de_los_pasos(texto, modelo) -> None:
    """log p(texto) = Σ log p(cᵢ | anteriores): la regla de la cadena, paso a paso."""
    orden, suavizado = modelo
    lm = CharNGram(orden, smoothing=suavizado).fit(texto)
    muestra = texto[:30]
    pasos = sum(math.log(lm.next_char_probs(muestra[:i])[c]) for i, c in enumerate(muestra))
    assert math.isclose(lm.log_prob(muestra), pasos, rel_tol=1e-6, abs_tol=1e-6)
