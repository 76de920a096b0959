"""Comprobadores de los ejercicios del capítulo 5 «Transformers y modelos de lenguaje».

Cada función recibe la solución del lector (una función o una respuesta) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from genai_utils.bpe import merge_pair
from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference

__all__ = [
    "check_attention",
    "check_bpe_merge",
    "check_causal_mask",
    "check_heads_question",
    "check_perplexity",
]


# ---------------------------------------------------------------- soluciones de referencia
def _causal_mask(size: int) -> Tensor:
    return torch.ones(size, size, dtype=torch.bool).tril()


def _attention(q: Tensor, k: Tensor, v: Tensor, causal: bool) -> Tensor:
    q, k, v = (t.to(torch.float64) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])
    if causal:
        size = scores.shape[-1]
        scores = scores.masked_fill(~_causal_mask(size), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _perplexity(loss_nats: float, tokens: int, chars: int) -> dict[str, float]:
    return {
        "perplejidad": math.exp(loss_nats),
        "bits_por_caracter": loss_nats * tokens / (chars * math.log(2)),
    }


# ---------------------------------------------------------------- comprobadores
def check_causal_mask(fn: Callable[[int], Any]) -> Feedback:
    """Ejercicio: ``fn(T)`` devuelve la máscara causal booleana (T, T).

    ``True`` en la fila i y la columna j si la posición i puede mirar la j (es decir, j ≤ i).
    """

    def compare(obtained: Any, expected: Tensor) -> bool:
        if not isinstance(obtained, Tensor) or obtained.shape != expected.shape:
            return False
        return bool((obtained.to(torch.bool) == expected).all())

    inputs = [(size, f"T = {size}") for size in (1, 3, 6)]
    hint = (
        "La fila i es la posición que pregunta y la columna j la que se mira: solo se permite "
        "j ≤ i (la diagonal y lo que queda por debajo). Prueba con torch.ones(T, T).tril()."
    )
    return check_reference(
        fn, _causal_mask, inputs, compare=compare, hint=hint,
        success="Tu máscara deja que cada posición vea solo el pasado y a sí misma.",
    )


def check_attention(fn: Callable[[Tensor, Tensor, Tensor, bool], Any]) -> Feedback:
    """Ejercicio: ``fn(q, k, v, causal)`` calcula ``softmax(q kᵀ / √d [+ máscara]) v``.

    ``q``, ``k`` y ``v`` tienen forma (T, d) o (B, T, d); el resultado, la misma forma que ``v``.
    """
    gen = torch.Generator().manual_seed(5)
    inputs = []
    for shape, causal in (((4, 8), False), ((5, 8), True), ((2, 6, 16), True)):
        q, k, v = (torch.randn(*shape, generator=gen) for _ in range(3))
        inputs.append((q, k, v, causal, f"forma {shape}, {'causal' if causal else 'sin máscara'}"))
    hint = (
        "Puntuaciones = q @ k.transpose(-2, -1) / √d, con d = q.shape[-1]; si causal, pon −∞ "
        "donde j > i; softmax sobre la última dimensión (cada fila suma 1) y multiplica por v."
    )
    return check_reference(
        fn, _attention, inputs, hint=hint, rtol=1e-4, atol=1e-5,
        success="Tu atención coincide con la de referencia, con y sin máscara causal.",
    )


def check_perplexity(fn: Callable[[float, int, int], Any]) -> Feedback:
    """Ejercicio: ``fn(loss, tokens, chars)`` → ``{"perplejidad": …, "bits_por_caracter": …}``.

    ``loss`` es la entropía cruzada media en nats por token sobre ``tokens`` tokens que
    cubren ``chars`` caracteres de texto.
    """
    inputs = [
        (math.log(2), 100, 100, "un bit por token con tokens de carácter"),
        (1.4, 500, 500, "pérdida de 1,4 nats con tokens de carácter"),
        (3.0, 250, 1000, "tokens BPE de 4 caracteres de media"),
    ]
    hint = (
        "La perplejidad es exp(pérdida media en nats). Para bits por carácter: pérdida total = "
        "pérdida media × tokens; divide por el número de caracteres y por ln 2."
    )
    return check_reference(
        fn, _perplexity, inputs, hint=hint,
        success="Sabes pasar de la entropía cruzada a perplejidad y a bits por carácter.",
    )


def check_bpe_merge(fn: Callable[[list[int], tuple[int, int], int], Any]) -> Feedback:
    """Ejercicio: ``fn(ids, pair, new_id)`` sustituye cada aparición de ``pair`` por ``new_id``.

    Se recorre de izquierda a derecha y las apariciones no se solapan: ``[1, 1, 1]`` con el par
    ``(1, 1)`` da ``[new_id, 1]``.
    """
    inputs = [
        ([1, 2, 3, 1, 2], (1, 2), 256, "dos apariciones separadas"),
        ([5, 5, 5], (5, 5), 300, "apariciones solapadas"),
        ([7, 8, 9], (1, 2), 256, "el par no aparece"),
        ([], (1, 2), 256, "lista vacía"),
        ([3], (3, 3), 256, "un solo token"),
    ]

    def compare(obtained: Any, expected: list[int]) -> bool:
        return isinstance(obtained, list | tuple) and [int(i) for i in obtained] == expected

    hint = (
        "Recorre la lista con un índice i: si (ids[i], ids[i + 1]) es el par, añade new_id y "
        "salta dos posiciones; si no, copia ids[i] y avanza una."
    )
    return check_reference(
        fn, merge_pair, inputs, compare=compare, hint=hint,
        success="Tu fusión reproduce un paso del entrenamiento de BPE.",
    )


def check_heads_question(answer: Any) -> Feedback:
    """Pregunta: ¿qué son las cabezas de una capa de atención de varias cabezas?

    a) Capas de codificación apiladas, una encima de otra.
    b) Atenciones independientes que se calculan en paralelo dentro de la misma capa, cada una
       con sus propias proyecciones, y cuyas salidas se concatenan.
    c) Copias idénticas de la misma atención para promediar el ruido.
    d) Las posiciones de la secuencia a las que se presta atención.
    """
    return check_choice_answer(
        answer, "b", ["a", "b", "c", "d"],
        explanation=(
            "Las cabezas trabajan en paralelo dentro de una misma capa; lo que se apila son las "
            "capas (bloques). Cada cabeza tiene sus proyecciones y puede fijarse en relaciones "
            "distintas."
        ),
        hint="Piensa en la forma del tensor (B, cabezas, T, d): ¿hay un bucle entre cabezas?",
    )
