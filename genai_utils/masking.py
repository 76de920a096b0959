"""Objetivos enmascarados del token siguiente: entrenar solo en una parte de cada texto.

El ajuste fino supervisado (:mod:`genai_utils.posttraining.sft`) puntúa solo la respuesta, y el
GPT de herramientas (:mod:`genai_utils.agents.toolgpt`) solo lo que escribe el modelo. Ambos
tokenizan cada texto, marcan qué tokens se puntúan y entrenan con la entropía cruzada de
siempre, que salta los objetivos que valen :data:`IGNORE`. Este módulo es esa parte común:

* :func:`next_token_rows` construye las entradas y los objetivos (desplazados una posición);
* :func:`scored_lengths` dice hasta dónde llega lo puntuado en cada fila (para recortar el
  relleno de un lote);
* :func:`masked_loss` es la entropía cruzada media sobre los tokens puntuados.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F

__all__ = ["IGNORE", "masked_loss", "next_token_rows", "scored_lengths"]

#: Objetivo que no se puntúa (el valor que ``F.cross_entropy`` ignora por defecto).
IGNORE = -100


def next_token_rows(
    rows: Sequence[tuple[Sequence[int], Sequence[bool]]], length: int
) -> tuple[Tensor, Tensor]:
    """Entradas y objetivos (N, ``length``) de N secuencias de tokens ``(ids, scored)``.

    Como en el preentrenamiento, la entrada de la fila es ``ids[:-1]`` y el objetivo de la
    posición ``t`` es el token ``t + 1``, pero solo si ``scored[t + 1]``: si no, :data:`IGNORE`.
    Lo que sobra a la derecha es relleno (0 en la entrada, :data:`IGNORE` en el objetivo).
    Ninguna fila puede ocupar más de ``length + 1`` tokens.
    """
    x = torch.zeros(len(rows), length, dtype=torch.long)
    y = torch.full((len(rows), length), IGNORE, dtype=torch.long)
    for i, (ids, scored) in enumerate(rows):
        if len(ids) != len(scored) or len(ids) > length + 1:
            raise ValueError(f"La fila {i} tiene {len(ids)} tokens y {len(scored)} marcas; deben "
                             f"coincidir y no pasar de {length + 1}.")
        n = len(ids) - 1
        if n > 0:
            x[i, :n] = torch.tensor(ids[:-1], dtype=torch.long)
            targets = torch.tensor(ids[1:], dtype=torch.long)
            y[i, :n] = torch.where(torch.tensor(scored[1:], dtype=torch.bool), targets, IGNORE)
    return x, y


def scored_lengths(y: Tensor) -> Tensor:
    """Por fila de objetivos ``y`` (N, L), la posición siguiente a su último objetivo puntuado."""
    positions = torch.arange(1, y.shape[1] + 1, device=y.device)
    return ((y != IGNORE) * positions).max(dim=1).values


def masked_loss(model: nn.Module, x: Tensor, y: Tensor) -> Tensor:
    """Entropía cruzada media de ``model`` en los tokens puntuados (un GPT: da ``logits, _``)."""
    logits, _ = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                           ignore_index=IGNORE)
