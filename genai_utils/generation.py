"""El bucle de generación autorregresiva que comparten todos los modelos de lenguaje del libro.

Un modelo de lenguaje genera así: mira la ventana de los últimos tokens, da una puntuación
(*logit*) por cada token posible, se decide el siguiente y se repite. Lo que cambia de un uso a
otro es solo cómo se decide, y eso se escribe aquí una vez, en este orden:

1. los **procesadores de logits** (*logits processors*), funciones ``(ids, logits) → logits``
   que cambian las puntuaciones antes de muestrear: la marca de agua del capítulo 7 suma ``δ`` a
   su lista verde; una decodificación restringida pone ``-inf`` a los tokens prohibidos;
2. la **temperatura**, que divide los logits;
3. los filtros **top-k** y **top-p** (ver :mod:`genai_utils.sampling`);
4. el sorteo (o el máximo, con ``greedy=True``).

``GPT.generate`` y la generación con marca de agua (:func:`genai_utils.risks.watermark.generate`)
son este bucle con un modelo y, la segunda, un procesador. Los argumentos se comprueban una vez,
antes del primer token; dentro del bucle no se vuelve a comprobar nada.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from genai_utils.sampling import _next_token_probs, _sample
from genai_utils.validation import (
    MAX_SIZE,
    check_bool,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_top_p,
)
from genai_utils.validation_tensors import check_tensor

__all__ = ["LogitsProcessor", "generate_tokens"]

#: ``(ids (B, T), logits (B, V)) → logits (B, V)``: cambia las puntuaciones del token siguiente.
LogitsProcessor = Callable[[Tensor, Tensor], Tensor]

#: ``ventana (B, T) → logits (B, V)`` del token siguiente a cada fila.
NextLogits = Callable[[Tensor], Tensor]


@torch.no_grad()
def generate_tokens(
    next_logits: NextLogits,
    idx: Tensor,
    max_new_tokens: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    processors: Sequence[LogitsProcessor] = (),
    greedy: bool = False,
    context: int | None = None,
    seed: int | None = None,
) -> Tensor:
    """Añade ``max_new_tokens`` tokens a cada fila de ``idx`` (B, T) y devuelve (B, T + n).

    Args:
        next_logits: función que recibe la ventana ``(B, T')`` y devuelve los logits ``(B, V)``
            del token siguiente.
        idx: tokens de partida, enteros ``(B, T)`` con ``B, T ≥ 1``.
        max_new_tokens: cuántos tokens se añaden.
        temperature: divide los logits (tras los procesadores, antes de top-k y top-p).
        top_k: si se da, solo los ``top_k`` tokens más probables pueden salir.
        top_p: si se da, solo el menor conjunto de tokens cuya probabilidad acumulada llega a
            ``top_p`` (muestreo de núcleo).
        processors: procesadores de logits, aplicados en orden en cada paso.
        greedy: elige siempre el token de logit mayor (ignora temperatura, top-k y top-p).
        context: longitud máxima de la ventana; ``None``, la secuencia entera.
        seed: semilla del sorteo, para un resultado reproducible.
    """
    _check_arguments(next_logits, idx, max_new_tokens, temperature, top_k, top_p,
                     processors, greedy, context)
    generator = None
    if seed is not None:
        seed = check_non_negative_int(seed, "seed")
        generator = torch.Generator(device=idx.device).manual_seed(seed)
    for _ in range(max_new_tokens):
        window = idx if context is None else idx[:, -context:]
        logits = next_logits(window)
        for process in processors:
            logits = process(idx, logits)
        if greedy:
            next_token = logits.argmax(dim=-1)
        else:
            next_token = _sample(_next_token_probs(logits, temperature, top_k, top_p), generator)
        idx = torch.cat([idx, next_token.reshape(-1, 1).to(idx.dtype)], dim=1)
    return idx


def _check_arguments(
    next_logits: object,
    idx: object,
    max_new_tokens: object,
    temperature: object,
    top_k: object,
    top_p: object,
    processors: object,
    greedy: object,
    context: object,
) -> None:
    if not callable(next_logits):
        raise TypeError("El argumento `next_logits` debe ser una función ventana → logits; "
                        f"se recibió {type(next_logits).__name__}.")
    check_tensor(idx, "idx", ndim=2, floating=False)
    if idx.shape[0] == 0 or idx.shape[1] == 0:
        raise ValueError("El argumento `idx` debe tener al menos una fila y un token; "
                         f"se recibió forma {tuple(idx.shape)}.")
    check_non_negative_int(max_new_tokens, "max_new_tokens", maximum=MAX_SIZE)
    check_positive_float(temperature, "temperature")
    if top_k is not None:
        check_positive_int(top_k, "top_k")
    if top_p is not None:
        check_top_p(top_p, "top_p")
    if isinstance(processors, str | bytes) or not isinstance(processors, Sequence):
        raise TypeError("El argumento `processors` debe ser una lista de funciones "
                        f"(ids, logits) → logits; se recibió {type(processors).__name__}.")
    for i, process in enumerate(processors):
        if not callable(process):
            raise TypeError(f"El elemento {i} de `processors` no es una función; "
                            f"se recibió {type(process).__name__}.")
    check_bool(greedy, "greedy")
    if context is not None:
        check_positive_int(context, "context")
