"""Comprobadores de los ejercicios del capítulo 3 «Autocodificadores variacionales (VAE)».

Cada función recibe la solución del lector (una función o una respuesta) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, text, texts

__all__ = [
    "RATE_DISTORTION_QUESTION",
    "check_bits_per_dim",
    "check_gaussian_kl",
    "check_rate_distortion",
    "check_reparameterize",
]


# ---------------------------------------------------------------- soluciones de referencia
def _gaussian_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    mu, logvar = mu.to(torch.float64), logvar.to(torch.float64)
    return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=-1)


def _reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    return mu + torch.exp(0.5 * logvar) * eps


def _bits_per_dim(log_px: float, dims: int) -> float:
    return -log_px / (dims * math.log(2))


# ---------------------------------------------------------------- comprobadores
def check_gaussian_kl(fn: Callable[[Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(mu, logvar)`` devuelve ``KL(N(μ, diag σ²) ‖ N(0, I))`` por fila, forma (N,).

    ``mu`` y ``logvar`` tienen forma (N, D); ``logvar`` es ``log σ²``.
    """
    gen = torch.Generator().manual_seed(0)
    mu3, logvar3 = torch.randn(3, 4, generator=gen), torch.randn(3, 4, generator=gen)
    inputs = [
        (torch.zeros(1, 2), torch.zeros(1, 2), "q igual a la distribución a priori: KL = 0"),
        (torch.tensor([[1.0, -2.0]]), torch.zeros(1, 2), "solo cambia la media"),
        (torch.zeros(2, 1), torch.log(torch.tensor([[4.0], [0.25]])), "solo cambia la varianza"),
        (mu3, logvar3, "un lote de 3 filas con D = 4"),
    ]
    return check_reference(
        fn, lambda m, lv: _gaussian_kl(m, lv).to(torch.float32), inputs, **texts("vae.kl_gaussiana")
    )


def check_reparameterize(fn: Callable[[Tensor, Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(mu, logvar, eps)`` devuelve ``z = μ + σ·ε`` con ``σ = exp(logvar / 2)``.

    Además de los valores, se comprueba que el gradiente llegue a ``mu`` y a ``logvar``.
    """
    gen = torch.Generator().manual_seed(1)
    mu, logvar, eps = (torch.randn(4, 3, generator=gen) for _ in range(3))
    inputs = [
        (torch.zeros(1, 2), torch.zeros(1, 2), torch.tensor([[1.0, -1.0]]), "μ = 0, σ = 1"),
        (torch.tensor([[2.0]]), torch.log(torch.tensor([[9.0]])), torch.tensor([[0.5]]), "σ² = 9"),
        (mu, logvar, eps, "un lote (4, 3)"),
    ]
    feedback = check_reference(fn, _reparameterize, inputs, **texts("vae.reparametrizacion"))
    if not feedback.correct:
        return feedback
    return _check_reparameterize_gradient(fn)


def _check_reparameterize_gradient(fn: Callable[..., Any]) -> Feedback:
    """Segunda parte de :func:`check_reparameterize`: el gradiente llega a ``mu`` y ``logvar``."""
    hint = text("vae.reparametrizacion.pista")
    mu = torch.zeros(2, 2, requires_grad=True)
    logvar = torch.zeros(2, 2, requires_grad=True)
    try:
        z = fn(mu, logvar, torch.ones(2, 2))
        z.sum().backward()
    except Exception as error:  # noqa: BLE001 - se informa al lector, nunca se relanza
        return Feedback(
            False,
            f"los valores son correctos, pero no se pudo retropropagar a través de tu función "
            f"({type(error).__name__}: {error}). Usa solo operaciones de PyTorch, sin .item(), "
            "NumPy ni .detach().",
            hint,
        )
    if mu.grad is None or logvar.grad is None or mu.grad.abs().sum() == 0:
        return Feedback(False, text("vae.reparametrizacion.sin_gradiente"), hint)
    return Feedback(True, text("vae.reparametrizacion.acierto"))


def check_bits_per_dim(fn: Callable[[float, int], Any]) -> Feedback:
    """Ejercicio: ``fn(log_px, dims)`` convierte ``log p(x)`` (nats por imagen, negativo) en
    bits por dimensión: ``−log p(x) / (dims · ln 2)``."""
    inputs = [
        (-64 * math.log(2), 64, "una probabilidad de 2⁻⁶⁴ en 64 píxeles: 1 bit por píxel"),
        (-88.5, 64, "un valor típico del VAE del cuaderno 3.1"),
        (-3000.0, 784, "una imagen de 28×28"),
    ]
    return check_reference(fn, _bits_per_dim, inputs, **texts("vae.bits_por_dimension"))


RATE_DISTORTION_QUESTION = """En la curva tasa-distorsión del cuaderno 3.2, cada punto es un β-VAE:
la tasa es la KL media y la distorsión, −E[log p(x | z)] media, ambas en nats. Al pasar de
β = 1 a β = 4, ¿qué se observa y por qué?
a) Sube la tasa y baja la distorsión: un β mayor obliga al código a llevar más información.
b) Baja la tasa y sube la distorsión: un β mayor penaliza más la KL, el código lleva menos
   información de cada imagen y las reconstrucciones empeoran.
c) Bajan las dos: un β mayor es mejor en todo, y por eso β = 4 es el valor recomendado.
d) No cambia nada: β solo escala la pérdida, y Adam compensa cualquier escala."""


def check_rate_distortion(answer: Any) -> Feedback:
    """Corrige :data:`RATE_DISTORTION_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(answer, "b", **texts("vae.tasa_distorsion"))
