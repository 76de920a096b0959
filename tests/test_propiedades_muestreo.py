"""Propiedades de la receta de muestreo (temperatura → *top-k* → *top-p*) con logits al azar."""

from __future__ import annotations

import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genai_utils.sampling import next_token_probs, top_k_filter

_logits = st.lists(st.floats(-30, 30, allow_nan=False, width=32), min_size=2, max_size=40).map(
    lambda xs: torch.tensor(xs, dtype=torch.float32)
)
_temperatura = st.floats(0.05, 5.0)


@settings(max_examples=200, deadline=None)
@given(_logits, _temperatura, st.integers(1, 50), st.floats(0.01, 1.0))
@example(torch.zeros(17), 1.0, 1, 0.5)  # empate entre todos: sobrevive uno cualquiera
def test_siempre_una_distribucion(logits, temperatura, k, p) -> None:
    probs = next_token_probs(logits, temperatura, top_k=k, top_p=p)
    assert probs.shape == logits.shape
    assert torch.all(probs >= 0) and torch.isfinite(probs).all()
    assert abs(probs.sum().item() - 1) < 1e-5
    # Con empates, cualquiera de los más probables puede ser el que sobrevive, pero alguno queda.
    assert probs[logits == logits.max()].sum() > 0, "queda alguno de los más probables"


@settings(max_examples=200, deadline=None)
@given(_logits, _temperatura, st.integers(1, 50))
@example(torch.tensor([0.0, 1.4013e-45]), 2.0, 1)  # la temperatura convierte 1e-45 en 0: empate
def test_top_k_deja_como_mucho_k_simbolos(logits, temperatura, k) -> None:
    """Sobreviven los k logits mayores y, si hay empate en el umbral, todos los empatados."""
    probs = next_token_probs(logits, temperatura, top_k=k)
    escalados = logits / temperatura  # top-k actúa tras la temperatura (puede crear empates)
    vivos = torch.isfinite(top_k_filter(escalados, k))
    umbral = torch.sort(escalados, descending=True).values[min(k, len(logits)) - 1]
    assert torch.equal(vivos, escalados >= umbral)
    assert torch.all(probs[~vivos] == 0), "lo recortado tiene probabilidad cero"
    if len(torch.unique(escalados)) == len(logits):  # sin empates, exactamente min(k, V)
        assert int(vivos.sum()) == min(k, len(logits))


@settings(max_examples=200, deadline=None)
@given(_logits, st.floats(0.01, 0.99))
def test_top_p_guarda_el_menor_nucleo_con_masa_p(logits, p) -> None:
    completa = next_token_probs(logits)
    probs = next_token_probs(logits, top_p=p)
    guardados = probs > 0
    assert completa[guardados].sum() >= p - 1e-5, "el núcleo (*nucleus*) debe reunir al menos p"
    # Quitar el menos probable de los guardados dejaría menos de p (es el conjunto mínimo).
    if int(guardados.sum()) > 1:
        minimo = completa[guardados].min()
        assert completa[guardados].sum() - minimo < p + 1e-5


@settings(max_examples=100, deadline=None)
@given(_logits, _temperatura, st.permutations(range(40)))
def test_no_depende_del_orden_de_los_simbolos(logits, temperatura, permutacion) -> None:
    orden = torch.tensor([i for i in permutacion if i < len(logits)])
    if len(set(logits.tolist())) < len(logits):  # con empates, top-k elige por posición
        return
    directo = next_token_probs(logits, temperatura, top_k=3)[orden]
    permutado = next_token_probs(logits[orden], temperatura, top_k=3)
    assert torch.allclose(directo, permutado, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(_logits)
def test_temperatura_baja_se_acerca_a_la_voraz(logits) -> None:
    if (logits == logits.max()).sum() > 1:  # empate en el máximo: no hay una única voraz
        return
    margen = (logits.max() - logits[logits < logits.max()].max()).item()
    if margen < 0.5:
        return
    probs = next_token_probs(logits, temperature=0.01)
    assert probs.argmax() == logits.argmax() and probs.max() > 0.999
