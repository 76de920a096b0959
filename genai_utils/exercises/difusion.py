"""Comprobadores de los ejercicios del capítulo 4 «Modelos de difusión».

Cada función recibe la solución del lector (una función o una respuesta) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, texts

__all__ = [
    "GENERATION_QUESTION",
    "check_classifier_free_guidance",
    "check_ddim_step",
    "check_euler_sampler",
    "check_flow_path",
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


def _flow_path(x0: Tensor, noise: Tensor, t: Tensor) -> Tensor:
    tt = t.reshape(-1, *([1] * (x0.ndim - 1)))
    return (1 - tt) * x0 + tt * noise


def _euler(velocity: Callable[[Tensor, float], Tensor], x1: Tensor, n_steps: int) -> Tensor:
    x, h = x1, 1.0 / n_steps
    for i in range(n_steps):
        x = x - h * velocity(x, 1.0 - i * h)
    return x


def _gaussian_velocity(m: float, s: float) -> Callable[[Tensor, float], Tensor]:
    """Velocidad exacta del camino recto de N(m, s²) (t = 0) a N(0, 1) (t = 1)."""

    def velocity(x: Tensor, t: float) -> Tensor:
        a = 1 - t
        return -m + (t - a * s**2) / (a**2 * s**2 + t**2) * (x - a * m)

    return velocity


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
    return check_reference(fn, _forward_noising, inputs, **texts("difusion.ruido_directo"))


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
    return check_reference(
        fn, _ddim_step, inputs, rtol=1e-4, atol=1e-5, **texts("difusion.paso_ddim")
    )


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
    return check_reference(fn, _guidance, inputs, **texts("difusion.guia_sin_clasificador"))


def check_flow_path(fn: Callable[[Tensor, Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(x0, noise, t)`` devuelve x_t = (1 − t) x_0 + t ε, un ``t`` por ejemplo.

    ``x0`` y ``noise`` tienen forma (N, …) y ``t`` es un tensor (N,) de tiempos en [0, 1].
    """
    gen = torch.Generator().manual_seed(3)
    x2, e2 = torch.randn(4, 2, generator=gen), torch.randn(4, 2, generator=gen)
    x4, e4 = torch.rand(3, 1, 8, 8, generator=gen), torch.randn(3, 1, 8, 8, generator=gen)
    inputs = [
        (x2, e2, torch.zeros(4), "t = 0: deben salir los datos"),
        (x2, e2, torch.tensor([1.0, 0.25, 0.5, 0.75]), "un tiempo distinto para cada punto"),
        (x4, e4, torch.tensor([0.1, 0.9, 1.0]), "imágenes (N, 1, 8, 8)"),
    ]
    return check_reference(fn, _flow_path, inputs, **texts("difusion.camino_recto"))


def check_euler_sampler(fn: Callable[[Callable[[Tensor, float], Tensor], Tensor, int], Any],
                        ) -> Feedback:
    """Ejercicio: ``fn(velocity, x1, n_steps)`` integra con Euler de t = 1 a t = 0.

    ``velocity(x, t)`` da la velocidad en el tiempo ``t`` (un número); cada paso es
    x ← x − h · velocity(x, t) con h = 1 / n_steps, empezando en t = 1.
    """
    gen = torch.Generator().manual_seed(4)
    x1 = torch.randn(6, 1, generator=gen)
    img = torch.randn(2, 1, 8, 8, generator=gen)
    inputs = [
        (_gaussian_velocity(2.0, 0.5), x1, 1, "un solo paso"),
        (_gaussian_velocity(2.0, 0.5), x1, 10, "diez pasos"),
        (_gaussian_velocity(-1.0, 0.2), img, 4, "imágenes y cuatro pasos"),
    ]
    return check_reference(fn, _euler, inputs, rtol=1e-4, atol=1e-5, **texts("difusion.euler"))


GENERATION_QUESTION = """Un modelo de difusión ya entrenado va a generar una imagen nueva.
¿De dónde parte?
a) De una imagen real del conjunto de entrenamiento, a la que va quitando ruido.
b) De una imagen real a la que primero se añade ruido y después se le quita.
c) De ruido gaussiano puro, x_T ~ N(0, I), al que va quitando ruido paso a paso.
d) De una imagen en blanco que la red va rellenando píxel a píxel."""


def check_generation_start(answer: Any) -> Feedback:
    """Corrige la pregunta :data:`GENERATION_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(answer, "c", **texts("difusion.inicio_generacion"))
