"""Comprobadores de los ejercicios del capítulo 4 «Modelos de difusión».

Cada función recibe la solución del lector (una función o una respuesta) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference

__all__ = [
    "GENERATION_QUESTION",
    "check_classifier_free_guidance",
    "check_ddim_step",
    "check_forward_noising",
    "check_generation_start",
]


# ---------------------------------------------------------------- soluciones de referencia
def _forward_noising(x0: Tensor, t: Tensor, alpha_bars: Tensor, noise: Tensor) -> Tensor:
    a = alpha_bars[t].reshape(-1, *([1] * (x0.ndim - 1)))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def _ddim_step(x_t: Tensor, eps: Tensor, a_bar: float, a_bar_prev: float) -> Tensor:
    x0 = (x_t - (1 - a_bar) ** 0.5 * eps) / a_bar**0.5
    return a_bar_prev**0.5 * x0 + (1 - a_bar_prev) ** 0.5 * eps


def _guidance(eps_cond: Tensor, eps_uncond: Tensor, w: float) -> Tensor:
    return eps_uncond + w * (eps_cond - eps_uncond)


def _alpha_bars(n: int) -> Tensor:
    betas = torch.linspace(0.01, 0.3, n)
    return torch.cumprod(1 - betas, dim=0)


# ---------------------------------------------------------------- comprobadores
def check_forward_noising(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(x0, t, alpha_bars, noise)`` devuelve x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.

    ``x0`` y ``noise`` tienen forma (N, …); ``t`` es un tensor de enteros (N,) con el paso de
    cada ejemplo y ``alpha_bars`` el tensor (T,) de las ᾱ_t.
    """
    gen = torch.Generator().manual_seed(0)
    a = _alpha_bars(10)
    x2 = torch.randn(4, 2, generator=gen)
    e2 = torch.randn(4, 2, generator=gen)
    x4 = torch.rand(3, 1, 8, 8, generator=gen)
    e4 = torch.randn(3, 1, 8, 8, generator=gen)
    inputs = [
        (x2, torch.tensor([0, 0, 0, 0]), a, e2, "el primer paso, t = 0"),
        (x2, torch.tensor([0, 3, 6, 9]), a, e2, "un paso distinto para cada punto"),
        (x4, torch.tensor([9, 1, 5]), a, e4, "imágenes (N, 1, 8, 8)"),
    ]
    hint = (
        "toma ᾱ_t = alpha_bars[t] (uno por ejemplo) y dale forma (N, 1, …) para que multiplique "
        "a cada ejemplo, por ejemplo con .reshape(-1, *[1] * (x0.ndim - 1)). Ojo: son raíces "
        "cuadradas, √ᾱ_t y √(1 − ᾱ_t), no ᾱ_t y 1 − ᾱ_t."
    )
    return check_reference(fn, _forward_noising, inputs, hint=hint,
                           success="Tu forma cerrada del proceso directo es correcta.")


def check_ddim_step(fn: Callable[[Tensor, Tensor, float, float], Any]) -> Feedback:
    """Ejercicio: ``fn(x_t, eps, a_bar, a_bar_prev)`` da un paso determinista de DDIM (η = 0).

    Primero x̂_0 = (x_t − √(1 − ᾱ_t) ε) / √ᾱ_t y después √ᾱ_prev x̂_0 + √(1 − ᾱ_prev) ε.
    """
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(5, 2, generator=gen)
    e = torch.randn(5, 2, generator=gen)
    img = torch.randn(2, 1, 8, 8, generator=gen)
    img_e = torch.randn(2, 1, 8, 8, generator=gen)
    inputs = [
        (x, e, 0.5, 0.8, "ᾱ_t = 0,5 → ᾱ_prev = 0,8"),
        (x, e, 0.05, 0.3, "mucho ruido: ᾱ_t = 0,05"),
        (img, img_e, 0.9, 1.0, "el último paso, ᾱ_prev = 1: devuelve x̂_0"),
    ]
    hint = (
        "despeja x_0 de x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε y vuelve a mezclarlo con el MISMO ε, pero "
        "con los pesos del paso anterior: √ᾱ_prev y √(1 − ᾱ_prev). Con η = 0 no se suma ruido "
        "nuevo."
    )
    return check_reference(fn, _ddim_step, inputs, hint=hint, rtol=1e-4, atol=1e-5,
                          success="Tu paso de DDIM coincide con el de referencia.")


def check_classifier_free_guidance(fn: Callable[[Tensor, Tensor, float], Any]) -> Feedback:
    """Ejercicio: ``fn(eps_cond, eps_uncond, w)`` devuelve ε_∅ + w (ε_y − ε_∅)."""
    gen = torch.Generator().manual_seed(2)
    c = torch.randn(3, 2, generator=gen)
    u = torch.randn(3, 2, generator=gen)
    inputs = [
        (c, u, 1.0, "w = 1: la predicción condicional"),
        (c, u, 0.0, "w = 0: la incondicional"),
        (c, u, 3.0, "w = 3: guía fuerte"),
    ]
    hint = (
        "parte de la predicción incondicional y muévete w veces la diferencia (condicional − "
        "incondicional). Comprueba que con w = 1 sale exactamente eps_cond."
    )
    return check_reference(fn, _guidance, inputs, hint=hint,
                          success="Tu guía sin clasificador es correcta.")


GENERATION_QUESTION = """Un modelo de difusión ya entrenado va a generar una imagen nueva.
¿De dónde parte?
a) De una imagen real del conjunto de entrenamiento, a la que va quitando ruido.
b) De una imagen real a la que primero se añade ruido y después se le quita.
c) De ruido gaussiano puro, x_T ~ N(0, I), al que va quitando ruido paso a paso.
d) De una imagen en blanco que la red va rellenando píxel a píxel."""


def check_generation_start(answer: Any) -> Feedback:
    """Corrige la pregunta :data:`GENERATION_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(
        answer,
        "c",
        ("a", "b", "c", "d"),
        explanation=(
            "La generación parte de ruido puro y lo va limpiando con la red. Los datos reales "
            "solo se usan al entrenar, cuando se les añade ruido con el proceso directo. La "
            "opción b) describe la edición de imágenes (SDEdit), no la generación desde cero."
        ),
        hint=(
            "si partiera de una imagen real, ¿cómo podría generar algo que no está en los datos? "
            "Piensa en qué distribución es x_T cuando T es grande."
        ),
    )
