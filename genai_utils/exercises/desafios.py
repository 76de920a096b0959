"""Comprobadores de los ejercicios del capítulo 7 «Desafíos, riesgos y uso responsable».

* :func:`check_watermark_z`: la puntuación z que detecta una marca de agua de lista verde.
* :func:`check_membership_auc`: la AUC de un ataque de inferencia de pertenencia, contando pares.
* :func:`check_training_cost`: operaciones de entrenamiento con la regla 6·N·D y días de cálculo.
* :func:`check_ngram_overlap`: la fracción de n-gramas de un texto generado que ya estaban en el
  entrenamiento (una medida de memorización literal).
* :func:`check_model_memory_question`: qué guarda de verdad un modelo entrenado.

Cada función recibe la solución del lector y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, texts

__all__ = [
    "check_membership_auc",
    "check_model_memory_question",
    "check_ngram_overlap",
    "check_training_cost",
    "check_watermark_z",
]

SECONDS_PER_DAY = 86_400


# ---------------------------------------------------------------- soluciones de referencia
def _watermark_z(green: int, total: int, gamma: float) -> float:
    expected = gamma * total
    return (green - expected) / math.sqrt(total * gamma * (1 - gamma))


def _membership_auc(members: Sequence[float], non_members: Sequence[float]) -> float:
    wins = 0.0
    for m in members:
        for n in non_members:
            wins += 1.0 if m > n else 0.5 if m == n else 0.0
    return wins / (len(members) * len(non_members))


def _training_cost(
    n_params: float, n_tokens: float, flops_per_second: float, utilization: float
) -> dict[str, float]:
    flops = 6 * n_params * n_tokens
    return {"flops": flops, "dias": flops / (flops_per_second * utilization) / SECONDS_PER_DAY}


def _ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def _ngram_overlap(generated: Sequence[str], training: Sequence[str], n: int) -> float:
    grams = _ngrams(generated, n)
    if not grams:
        return 0.0
    seen = set(_ngrams(training, n))
    return sum(g in seen for g in grams) / len(grams)


# ---------------------------------------------------------------- comprobadores
def check_watermark_z(fn: Callable[[int, int, float], Any]) -> Feedback:
    """Ejercicio: ``fn(green, total, gamma)`` devuelve la puntuación z de la marca de agua.

    ``green`` es el número de tokens de la lista verde entre los ``total`` tokens puntuados y
    ``gamma`` la fracción del vocabulario que es verde. Sin marca de agua, ``green`` sigue una
    binomial de media ``gamma·total`` y varianza ``total·gamma·(1 − gamma)``.
    """
    inputs = [
        (80, 200, 0.25, "texto con marca: 80 verdes de 200"),
        (55, 200, 0.25, "texto sin marca: 55 verdes de 200"),
        (25, 100, 0.5, "menos verdes de lo esperado"),
        (30, 30, 0.5, "todos los tokens verdes"),
    ]
    return check_reference(fn, _watermark_z, inputs, **texts("desafios.marca_de_agua"))


def check_membership_auc(fn: Callable[[Sequence[float], Sequence[float]], Any]) -> Feedback:
    """Ejercicio: ``fn(members, non_members)`` devuelve la AUC de un ataque de pertenencia.

    Las puntuaciones más altas significan «parece del entrenamiento». La AUC es la probabilidad
    de que un miembro elegido al azar puntúe más que un no miembro elegido al azar; los empates
    cuentan medio punto (es el estadístico de Mann–Whitney dividido por el número de pares).
    """
    inputs = [
        ([0.9, 0.8, 0.7], [0.6, 0.8, 0.2], "con un empate"),
        ([3.0, 4.0], [1.0, 2.0], "separación perfecta"),
        ([1.0, 2.0], [3.0, 4.0], "el ataque acierta al revés"),
        ([0.5, 0.5, 0.5], [0.5, 0.5], "todo empates: azar"),
        ([2.0, -1.0, 0.5, 1.5], [0.0, 1.0, -2.0], "cuatro miembros y tres no miembros"),
    ]
    return check_reference(fn, _membership_auc, inputs, **texts("desafios.auc_pertenencia"))


def check_training_cost(fn: Callable[[float, float, float, float], Any]) -> Feedback:
    """Ejercicio: ``fn(n_params, n_tokens, flops_per_second, utilization)`` →
    ``{"flops": …, "dias": …}``.

    ``flops`` son las operaciones de entrenamiento según la regla 6·N·D y ``dias`` el tiempo de
    cálculo en una máquina que entrega ``flops_per_second`` operaciones por segundo de pico, de
    las que se aprovecha la fracción ``utilization``.
    """
    inputs = [
        (175e9, 300e9, 1000 * 312e12, 0.4, "un modelo del tamaño de GPT-3 en 1000 GPU"),
        (70e9, 1.4e12, 2048 * 312e12, 0.5, "70 000 millones de parámetros, 1,4 billones de tokens"),
        (1e6, 1e8, 1e11, 0.25, "un modelo pequeño en una CPU"),
    ]
    return check_reference(
        fn, _training_cost, inputs, rtol=1e-3, **texts("desafios.coste_entrenamiento")
    )


def check_ngram_overlap(fn: Callable[[Sequence[str], Sequence[str], int], Any]) -> Feedback:
    """Ejercicio: ``fn(generated, training, n)`` devuelve la fracción de n-gramas del texto
    generado (con repeticiones, uno por posición) que aparecen en algún lugar del texto de
    entrenamiento. Si el texto generado tiene menos de ``n`` tokens, devuelve 0.0.
    """
    training = "el gato come carne y el perro come pescado".split()
    inputs = [
        ("el gato come pescado".split(), training, 2, "bigramas"),
        ("el gato come pescado".split(), training, 3, "trigramas"),
        ("el perro come carne y el gato".split(), training, 4, "cuatrigramas"),
        ("el gato el gato come".split(), "el gato".split(), 2, "n-gramas repetidos"),
        ("hola".split(), training, 2, "texto más corto que n"),
    ]
    return check_reference(fn, _ngram_overlap, inputs, **texts("desafios.solapamiento_ngramas"))


def check_model_memory_question(answer: Any) -> Feedback:
    """Pregunta: ¿qué hay dentro de un modelo de lenguaje entrenado, como GPT-3?

    a) Una base de datos con los textos de entrenamiento, que consulta para responder.
    b) Un índice de páginas web que recorre en cada pregunta.
    c) Parámetros numéricos ajustados para predecir el siguiente token; puede haber memorizado
       fragmentos, pero no consulta fuentes salvo que alguien le añada herramientas.
    d) Una copia comprimida, sin pérdida, de todo su entrenamiento.
    """
    return check_choice_answer(answer, "c", **texts("desafios.memoria_modelo"))
