"""Objetivos enmascarados del token siguiente (genai_utils.masking), compartidos por el SFT y el
GPT de herramientas."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genai_utils.masking import IGNORE, masked_loss, next_token_rows, scored_lengths


def test_filas_desplazadas_con_objetivo_solo_donde_se_puntua() -> None:
    # «a b | c d»: se puntúan c y d; la entrada es la fila sin su último token.
    x, y = next_token_rows([([1, 2, 3, 4], [False, False, True, True]), ([5, 6], [False, True])],
                           4)
    assert x.tolist() == [[1, 2, 3, 0], [5, 0, 0, 0]]
    assert y.tolist() == [[IGNORE, 3, 4, IGNORE], [6, IGNORE, IGNORE, IGNORE]]
    assert scored_lengths(y).tolist() == [3, 1]


def test_tramos_sueltos_y_filas_sin_nada_que_puntuar() -> None:
    x, y = next_token_rows([([1, 2, 3, 4, 5], [False, True, False, True, False]), ([7], [True])],
                           4)
    assert y.tolist() == [[2, IGNORE, 4, IGNORE], [IGNORE] * 4]
    assert x[1].tolist() == [0, 0, 0, 0]
    assert scored_lengths(y).tolist() == [3, 0]


def test_errores_de_las_filas() -> None:
    with pytest.raises(ValueError, match="fila 0.*3 tokens y 2 marcas"):
        next_token_rows([([1, 2, 3], [True, True])], 4)
    with pytest.raises(ValueError, match="no pasar de 3"):
        next_token_rows([([1, 2, 3, 4], [True] * 4)], 2)


class _Fixed(nn.Module):
    """Un «GPT» que devuelve siempre los mismos logits, para calcular la pérdida a mano."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = logits

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        return self.logits.expand(*x.shape, -1), None


def test_la_perdida_promedia_solo_los_tokens_puntuados() -> None:
    logits = torch.tensor([0.0, 1.0, 2.0])
    logp = torch.log_softmax(logits, dim=0)
    x = torch.zeros(1, 3, dtype=torch.long)
    y = torch.tensor([[IGNORE, 2, 0]])
    expected = -(logp[2] + logp[0]) / 2
    assert masked_loss(_Fixed(logits), x, y).item() == pytest.approx(expected.item())
