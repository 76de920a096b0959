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
from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, texts
from genai_utils.report import fmt_num

__all__ = [
    "check_attention",
    "check_answer_mask",
    "check_bpe_merge",
    "check_causal_mask",
    "check_dpo_loss",
    "check_heads_question",
    "check_lora_forward",
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


def _answer_mask(prompt: list[int], answer: list[int]) -> tuple[list[int], list[int]]:
    ids = prompt + answer
    targets = [-100] * (len(prompt) - 1) + answer
    return ids[:-1], targets


def _dpo_loss(pc: Tensor, pr: Tensor, rc: Tensor, rr: Tensor, beta: float) -> Tensor:
    margin = (pc.double() - rc.double()) - (pr.double() - rr.double())
    return -torch.nn.functional.logsigmoid(beta * margin).mean()


def _lora_forward(x: Tensor, w: Tensor, b: Tensor, a: Tensor, bm: Tensor, alpha: float) -> Tensor:
    x, w, b, a, bm = (t.double() for t in (x, w, b, a, bm))
    return x @ w.T + b + (alpha / a.shape[0]) * (x @ a.T @ bm.T)


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
    return check_reference(
        fn, _causal_mask, inputs, compare=compare, **texts("transformers.mascara_causal")
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
    return check_reference(
        fn, _attention, inputs, rtol=1e-4, atol=1e-5, **texts("transformers.atencion")
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
    return check_reference(fn, _perplexity, inputs, **texts("transformers.perplejidad"))


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

    return check_reference(
        fn, merge_pair, inputs, compare=compare, **texts("transformers.fusion_bpe")
    )


def check_heads_question(answer: Any) -> Feedback:
    """Pregunta: ¿qué son las cabezas de una capa de atención de varias cabezas?

    a) Capas de codificación apiladas, una encima de otra.
    b) Atenciones independientes que se calculan en paralelo dentro de la misma capa, cada una
       con sus propias proyecciones, y cuyas salidas se concatenan.
    c) Copias idénticas de la misma atención para promediar el ruido.
    d) Las posiciones de la secuencia a las que se presta atención.
    """
    return check_choice_answer(answer, "b", **texts("transformers.cabezas"))


def check_answer_mask(fn: Callable[[list[int], list[int]], Any]) -> Feedback:
    """Ejercicio: ``fn(instruccion, respuesta)`` → ``(entradas, objetivos)`` para el SFT.

    Las entradas son todos los tokens menos el último; el objetivo de cada posición es el token
    siguiente, salvo que ese token sea de la instrucción: entonces vale -100 (no se puntúa).
    """
    inputs = [
        ([7, 8, 9], [4, 5], "instrucción de 3 tokens y respuesta de 2"),
        ([1], [2, 3, 4], "instrucción de un solo token"),
        ([10, 11, 12, 13], [99], "respuesta de un solo token"),
    ]

    def compare(obtained: Any, expected: tuple[list[int], list[int]]) -> bool:
        if not isinstance(obtained, tuple | list) or len(obtained) != 2:
            return False
        try:
            return all([int(v) for v in o] == e for o, e in zip(obtained, expected, strict=True))
        except (TypeError, ValueError):
            return False

    return check_reference(
        fn, _answer_mask, inputs, compare=compare, **texts("transformers.mascara_respuesta")
    )


def check_dpo_loss(fn: Callable[[Tensor, Tensor, Tensor, Tensor, float], Any]) -> Feedback:
    """Ejercicio: ``fn(pol_pref, pol_rech, ref_pref, ref_rech, beta)`` → pérdida DPO media.

    Los cuatro tensores (N,) son log-probabilidades de respuestas completas: las del modelo que
    se entrena y las de la referencia congelada, para la respuesta preferida y la rechazada.
    """
    gen = torch.Generator().manual_seed(3)
    inputs = []
    for n, beta in ((4, 0.1), (6, 0.5), (1, 2.0)):
        pc, pr, rc, rr = (-5 * torch.rand(n, generator=gen) for _ in range(4))
        inputs.append((pc, pr, rc, rr, beta, f"{n} pares, β = {fmt_num(beta, 1)}"))
    same = -torch.ones(3)
    inputs.append((same, same, same, same, 0.1, "modelo igual a la referencia (pérdida ln 2)"))
    return check_reference(
        fn, _dpo_loss, inputs, rtol=1e-4, atol=1e-6, **texts("transformers.perdida_dpo")
    )


def check_lora_forward(fn: Callable[..., Any]) -> Feedback:
    """Ejercicio: ``fn(x, W, b, A, B, alpha)`` → ``x Wᵀ + b + (alpha / r) · x Aᵀ Bᵀ``.

    ``x`` es (N, d_ent), ``W`` (d_sal, d_ent), ``b`` (d_sal,), ``A`` (r, d_ent) y ``B`` (d_sal, r).
    """
    gen = torch.Generator().manual_seed(4)
    inputs = []
    for n, d_in, d_out, r, alpha in ((3, 6, 4, 2, 2.0), (5, 8, 8, 1, 4.0), (2, 5, 7, 3, 1.0)):
        x, w = torch.randn(n, d_in, generator=gen), torch.randn(d_out, d_in, generator=gen)
        b, a = torch.randn(d_out, generator=gen), torch.randn(r, d_in, generator=gen)
        bm = torch.randn(d_out, r, generator=gen)
        inputs.append((x, w, b, a, bm, alpha, f"rango {r}, α = {fmt_num(alpha, 1)}"))
    zero = torch.zeros(4, 1)
    x, w, b, a = (inputs[0][0], inputs[0][1], inputs[0][2], torch.randn(1, 6, generator=gen))
    inputs.append((x, w, b, a, zero, 8.0, "B a cero: la capa original, sin cambios"))
    return check_reference(
        fn, _lora_forward, inputs, rtol=1e-4, atol=1e-5, **texts("transformers.lora")
    )
