"""Comprobadores de los ejercicios del capítulo 1 «Conceptos fundamentales».

Cada función recibe la solución del lector (una función o una respuesta) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, texts

__all__ = [
    "check_bigram_counts",
    "check_conditional_probs",
    "check_discriminative_vs_generative",
    "check_gaussian_log_likelihood",
    "check_pca_reconstruction",
    "check_temperature",
]


# ---------------------------------------------------------------- soluciones de referencia
def _gaussian_log_likelihood(x: Tensor, mu: float, sigma: float) -> float:
    x = x.to(torch.float64)
    log_density = -0.5 * math.log(2 * math.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)
    return float(log_density.sum())


def _bigram_counts(text: str, vocab: list[str]) -> Tensor:
    index = {c: i for i, c in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:], strict=False):
        counts[index[prev], index[nxt]] += 1
    return counts


def _conditional_probs(counts: Tensor, alpha: float) -> Tensor:
    smoothed = counts.to(torch.float64) + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)


def _temperature(logits: Tensor, temperature: float) -> Tensor:
    return torch.softmax(logits.to(torch.float64) / temperature, dim=-1)


def _pca_reconstruction(x: Tensor, k: int) -> Tensor:
    x = x.to(torch.float64)
    mean = x.mean(dim=0)
    _, _, vt = torch.linalg.svd(x - mean, full_matrices=False)
    w = vt[:k]
    return (x - mean) @ w.T @ w + mean


# ---------------------------------------------------------------- comprobadores
def check_gaussian_log_likelihood(fn: Callable[[Tensor, float, float], Any]) -> Feedback:
    """Ejercicio: ``fn(x, mu, sigma)`` devuelve ``Σ_i log N(x_i; μ, σ²)``.

    ``x`` es un tensor 1-D ``(N,)``; el resultado, un número (o un tensor de un elemento).
    """
    inputs = [
        (torch.tensor([0.0]), 0.0, 1.0, "un solo punto en la media, σ = 1"),
        (torch.tensor([1.0, 2.0, 3.0]), 2.0, 0.5, "σ = 0,5"),
        (torch.tensor([-1.5, 0.3, 2.2, 4.0]), 1.0, 2.0, "σ = 2"),
    ]
    return check_reference(
        fn, _gaussian_log_likelihood, inputs, **texts("conceptos.verosimilitud_gaussiana")
    )


def check_bigram_counts(fn: Callable[[str, list[str]], Any]) -> Feedback:
    """Ejercicio: ``fn(text, vocab)`` devuelve la matriz ``(V, V)`` de recuentos de bigramas.

    ``counts[i, j]`` es el número de veces que el carácter ``vocab[j]`` aparece justo después de
    ``vocab[i]`` en ``text``.
    """
    samples = [
        ("abab", ["a", "b"]),
        ("hola ola", [" ", "a", "h", "l", "o"]),
        ("aaab", ["a", "b", "c"]),
    ]
    inputs = [(t, v, repr(t)) for t, v in samples]
    return check_reference(fn, _bigram_counts, inputs, **texts("conceptos.bigramas"))


def check_conditional_probs(fn: Callable[[Tensor, float], Any]) -> Feedback:
    """Ejercicio: ``fn(counts, alpha)`` convierte recuentos ``(V, V)`` en probabilidades.

    La fila ``i`` es ``p(siguiente | anterior = vocab[i])``.

    Con suavizado aditivo: ``(counts[i, j] + α) / (Σ_j counts[i, j] + α·V)``; cada fila suma 1.
    """
    a = torch.tensor([[2.0, 1.0, 1.0], [0.0, 3.0, 1.0], [5.0, 0.0, 5.0]])
    b = torch.tensor(
        [[1.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 0.0, 0.0], [0.0, 1.0, 6.0, 1.0]]
    )
    inputs = [
        (a, 0.0, "sin suavizado"),
        (a, 1.0, "α = 1"),
        (b, 0.5, "una fila sin recuentos, α = 0,5"),
    ]
    return check_reference(
        fn, _conditional_probs, inputs, **texts("conceptos.probabilidades_condicionales")
    )


def check_temperature(fn: Callable[[Tensor, float], Any]) -> Feedback:
    """Ejercicio: ``fn(logits, temperature)`` devuelve ``softmax(logits / T)`` por filas."""
    v = torch.tensor([2.0, 1.0, 0.0, -1.0])
    batch = torch.tensor([[1.0, 3.0, 0.5], [0.0, 0.0, 2.0]])
    big = torch.tensor([1000.0, 999.0, 990.0])
    inputs = [
        (v, 1.0, "T = 1"),
        (v, 0.5, "T = 0,5"),
        (batch, 2.0, "un lote de dos filas, T = 2"),
        (big, 1.0, "logits muy grandes: ¿es estable tu cálculo?"),
    ]
    return check_reference(fn, _temperature, inputs, **texts("conceptos.temperatura"))


def check_pca_reconstruction(fn: Callable[[Tensor, int], Any]) -> Feedback:
    """Ejercicio: ``fn(x, k)`` reconstruye ``x`` ``(N, D)`` con ``k`` componentes principales."""
    gen = torch.Generator().manual_seed(0)
    x1 = torch.randn(30, 4, generator=gen) @ torch.tensor(
        [[3.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0], [0.0, 0.0, 0.2, 0.1]]
    ) + torch.tensor([5.0, -2.0, 1.0, 0.0])
    x2 = torch.rand(20, 6, generator=gen) * 3 + 1
    inputs = [(x1, 1, "k = 1"), (x1, 2, "k = 2"), (x2, 3, "datos con media lejos de 0, k = 3")]
    return check_reference(
        fn,
        lambda x, k: _pca_reconstruction(x, k).to(torch.float32),
        inputs,
        rtol=1e-3,
        atol=1e-3,
        **texts("conceptos.reconstruccion_pca"),
    )


DISCRIMINATIVE_QUESTION = """¿Qué distribución aprende un clasificador discriminativo
(por ejemplo, una regresión logística)?
a) p(x | y): cómo son los datos de cada clase.
b) p(y | x): la probabilidad de cada clase dado un dato.
c) p(x): la distribución de los datos, sin etiquetas.
d) p(x, y): la distribución conjunta de datos y etiquetas."""


def check_discriminative_vs_generative(answer: Any) -> Feedback:
    """Corrige la pregunta :data:`DISCRIMINATIVE_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(answer, "b", **texts("conceptos.discriminativo_generativo"))
