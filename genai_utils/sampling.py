"""Muestreo de distribuciones categóricas: temperatura, filtros top-k y top-p, y sorteo.

Un modelo autorregresivo (los n-gramas del capítulo 1, el GPT del capítulo 5) da, en cada paso,
una puntuación (*logit*) por cada símbolo posible. Este módulo convierte esas puntuaciones en
probabilidades con una temperatura, recorta opcionalmente la cola de símbolos improbables
(*top-k*, *top-p*) y sortea el símbolo siguiente. Todas las funciones trabajan
sobre la última dimensión, así que aceptan un vector o un lote de vectores.

El orden, en :func:`next_token_probs`, es el de Hugging Face y nanoGPT: primero se divide por la
temperatura y después se recorta la cola. El orden importa para *top-p*: el conjunto que conserva
se calcula sobre la distribución ya calentada o enfriada (para *top-k* da igual, porque la
temperatura no cambia el orden de los símbolos).
"""

from __future__ import annotations

import torch
from torch import Tensor

from genai_utils.validation import check_positive_float, check_positive_int, check_top_p
from genai_utils.validation_tensors import check_tensor

__all__ = [
    "apply_temperature",
    "check_top_p",
    "next_token_probs",
    "sample_categorical",
    "top_k_filter",
    "top_p_filter",
]


def apply_temperature(logits: Tensor, temperature: float) -> Tensor:
    """Devuelve ``softmax(logits / temperature)`` sobre la última dimensión.

    La temperatura ``T`` cambia la forma de la distribución sin cambiar el orden de los símbolos:

    * ``T → 0``: casi toda la probabilidad va al logit mayor (decodificación voraz, *greedy*).
    * ``T = 1``: la distribución del modelo, sin cambios.
    * ``T → ∞``: todas las probabilidades se igualan (distribución uniforme).

    Los logits ``-inf`` (símbolos prohibidos) conservan probabilidad cero.

    Args:
        logits: tensor de coma flotante ``(..., V)`` con una puntuación por símbolo.
        temperature: número real estrictamente positivo.

    Returns:
        Tensor de la misma forma cuyas filas suman 1.
    """
    _check_logits(logits)
    check_positive_float(temperature, "temperature")
    return _softmax(logits, temperature)


def _check_logits(logits: object) -> Tensor:
    check_tensor(logits, "logits", floating=True)
    if logits.ndim == 0 or logits.numel() == 0:
        raise ValueError(
            "El argumento `logits` debe tener al menos una dimensión y algún elemento (una "
            f"puntuación por símbolo); se recibió forma {tuple(logits.shape)}."
        )
    if torch.isnan(logits).any() or (logits == float("inf")).any():
        raise ValueError("El argumento `logits` contiene NaN o +inf (se admite −inf).")
    return logits


def _softmax(logits: Tensor, temperature: float) -> Tensor:
    # Sin comprobaciones: los bucles de generación validan una vez, antes del primer token.
    return torch.softmax(logits / float(temperature), dim=-1)


def sample_categorical(probs: Tensor, *, generator: torch.Generator | None = None) -> int | Tensor:
    """Sortea un índice según las probabilidades de la última dimensión.

    Args:
        probs: tensor ``(V,)`` o ``(..., V)`` de probabilidades no negativas (no hace falta que
            sumen exactamente 1: se normalizan).
        generator: generador de PyTorch para que el sorteo sea reproducible.

    Returns:
        Un ``int`` si ``probs`` es un vector; si no, un tensor ``int64`` con la forma
        ``probs.shape[:-1]``.
    """
    check_tensor(probs, "probs", floating=True)
    if probs.ndim == 0 or probs.shape[-1] == 0:
        raise ValueError("`probs` debe tener al menos un símbolo en la última dimensión.")
    if not torch.isfinite(probs).all() or (probs < 0).any():
        raise ValueError(
            "`probs` debe contener probabilidades finitas y no negativas (sin NaN ni infinitos)."
        )
    flat = probs.reshape(-1, probs.shape[-1])
    if (flat.sum(dim=-1) <= 0).any():
        raise ValueError("Cada fila de `probs` debe tener alguna probabilidad mayor que cero.")
    return _sample(probs, generator)


def _sample(probs: Tensor, generator: torch.Generator | None) -> int | Tensor:
    # Sin comprobaciones (ver ``_softmax``).
    flat = probs.reshape(-1, probs.shape[-1])
    idx = torch.multinomial(flat, num_samples=1, generator=generator).squeeze(-1)
    if probs.ndim == 1:
        return int(idx.item())
    return idx.reshape(probs.shape[:-1])


def top_k_filter(logits: Tensor, k: int) -> Tensor:
    """Deja solo los ``k`` logits mayores de la última dimensión; el resto pasa a ``-inf``.

    Tras el ``softmax``, los símbolos descartados tienen probabilidad cero. Si ``k`` es mayor
    que el número de símbolos, no se descarta nada. En caso de empate en el umbral se conservan
    todos los empatados.
    """
    _check_logits(logits)
    check_positive_int(k, "k")
    return _top_k(logits, k)


def _top_k(logits: Tensor, k: int) -> Tensor:
    k = min(int(k), logits.shape[-1])
    threshold = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < threshold, float("-inf"))


def top_p_filter(logits: Tensor, p: float) -> Tensor:
    """Muestreo de núcleo (*nucleus*, *top-p*): conserva el menor conjunto de símbolos cuya
    probabilidad acumulada alcanza ``p`` y pone el resto a ``-inf``.

    Los símbolos se ordenan de más a menos probable y se conservan mientras la probabilidad
    acumulada *antes* de cada uno sea menor que ``p``; así el más probable se conserva siempre.
    ``p`` debe estar en (0, 1]; con ``p = 1`` no se descarta nada.
    """
    _check_logits(logits)
    check_top_p(p, "p")
    return _top_p(logits, p)


def _top_p(logits: Tensor, p: float) -> Tensor:
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = torch.softmax(sorted_logits, dim=-1)
    mass_before = probs.cumsum(dim=-1) - probs
    drop_sorted = mass_before >= p
    drop = drop_sorted.scatter(-1, order, drop_sorted)
    return logits.masked_fill(drop, float("-inf"))


def next_token_probs(
    logits: Tensor,
    temperature: float = 1.0,
    *,
    top_k: int | None = None,
    top_p: float | None = None,
) -> Tensor:
    """Probabilidades del símbolo siguiente: ``logits / temperature``, luego *top-k* y *top-p*.

    Es la receta de muestreo de los modelos del libro; ``top_k=None`` y ``top_p=None`` (o 1) no
    recortan nada. Devuelve un tensor de la forma de ``logits`` cuyas filas suman 1.
    """
    _check_logits(logits)
    check_positive_float(temperature, "temperature")
    if top_k is not None:
        check_positive_int(top_k, "top_k")
    if top_p is not None:
        check_top_p(top_p, "top_p")
    return _next_token_probs(logits, temperature, top_k, top_p)


def _next_token_probs(
    logits: Tensor, temperature: float, top_k: int | None, top_p: float | None
) -> Tensor:
    # Sin comprobaciones: ``GPT.generate`` valida los argumentos una vez, fuera del bucle.
    logits = logits / float(temperature)
    if top_k is not None:
        logits = _top_k(logits, top_k)
    if top_p is not None:
        logits = _top_p(logits, top_p)
    return _softmax(logits, 1.0)
