"""Propiedades de los calendarios de ruido de la difusión y del proceso directo."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_utils.diffusion import make_schedule, q_mean_std

_pasos = st.integers(2, 1000)
_tipo = st.sampled_from(["linear", "cosine"])


@settings(max_examples=60, deadline=None)
@given(_pasos, _tipo)
def test_alpha_barra_baja_de_1_hacia_0(n_pasos, tipo) -> None:
    cal = make_schedule(n_pasos, tipo)
    assert cal.n_steps == n_pasos
    assert torch.all((cal.betas > 0) & (cal.betas < 1))
    assert torch.allclose(cal.alphas, 1 - cal.betas)
    assert torch.all(cal.alpha_bars[1:] <= cal.alpha_bars[:-1]), "α̅ nunca sube"
    assert 0 < cal.alpha_bars[-1] < cal.alpha_bars[0] < 1


@settings(max_examples=60, deadline=None)
@given(_pasos, _tipo, st.data())
def test_la_varianza_del_proceso_directo_se_conserva(n_pasos, tipo, data) -> None:
    """Con x0 de varianza 1, x_t = √α̅ x0 + √(1 − α̅) ε también tiene varianza 1."""
    cal = make_schedule(n_pasos, tipo)
    t = data.draw(st.integers(0, n_pasos - 1))
    x0 = torch.ones(3, 2)
    media, desviacion = q_mean_std(x0, t, cal)
    assert torch.allclose(media**2 + desviacion**2, torch.ones_like(media), atol=1e-5)
    assert torch.allclose(media, cal.alpha_bars[t].sqrt() * x0)
