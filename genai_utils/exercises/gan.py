"""Comprobadores de los ejercicios del capítulo 2 «Redes generativas antagónicas (GAN)».

Cada función recibe la solución del lector (una función, un número o una letra) y devuelve un
:class:`~genai_utils.exercises.core.Feedback`; nunca lanza excepciones por culpa de esa solución.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor
from torch.nn import functional as F

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference, text, texts
from genai_utils.report import fmt_sig

__all__ = [
    "COLLAPSE_QUESTION",
    "LIPSCHITZ_QUESTION",
    "check_collapse_diagnosis",
    "check_gradient_penalty",
    "check_lipschitz_answer",
    "check_equilibrium_value",
    "check_nonsaturating_loss",
    "check_optimal_discriminator",
]


# ---------------------------------------------------------------- soluciones de referencia
def _optimal_discriminator(p_data: Tensor, p_model: Tensor) -> Tensor:
    p_data = p_data.to(torch.float64)
    return p_data / (p_data + p_model.to(torch.float64))


def _nonsaturating_loss(fake_logits: Tensor) -> Tensor:
    return F.softplus(-fake_logits.to(torch.float64)).mean()


def _gradient_penalty(critic: Any, real: Tensor, fake: Tensor, eps: Tensor) -> Tensor:
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed)
    return 10.0 * ((grad.norm(dim=1) - 1) ** 2).mean()


class _LinearCritic(torch.nn.Module):
    def __init__(self, w: list[float]) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(w, dtype=torch.float64))

    def forward(self, x: Tensor) -> Tensor:
        return x @ self.w


def _gaussian_pdf(x: Tensor, mu: float, sigma: float) -> Tensor:
    return torch.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


# ---------------------------------------------------------------- comprobadores
def check_optimal_discriminator(fn: Callable[[Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(p_data, p_model)`` devuelve el discriminador óptimo ``D*`` punto a punto.

    ``p_data`` y ``p_model`` son tensores de la misma forma con las densidades de los datos y del
    generador evaluadas en los mismos puntos ``x``.
    """
    x = torch.linspace(-3, 3, 7, dtype=torch.float64)
    inputs = [
        (torch.tensor([0.5]), torch.tensor([0.5]), "densidades iguales"),
        (torch.tensor([0.3, 0.0, 0.1]), torch.tensor([0.1, 0.2, 0.0]),
         "una densidad se anula en algunos puntos"),
        (_gaussian_pdf(x, 0.0, 1.0), _gaussian_pdf(x, 1.0, 1.0),
         "dos gaussianas N(0, 1) y N(1, 1) en x = −3, …, 3"),
    ]
    return check_reference(fn, _optimal_discriminator, inputs, **texts("gan.discriminador_optimo"))


def check_nonsaturating_loss(fn: Callable[[Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(fake_logits)`` devuelve la pérdida no saturante ``−mean(log D(G(z)))``.

    ``fake_logits`` (N,) son los *logits* del discriminador sobre muestras generadas:
    ``D(G(z)) = sigmoid(logit)``. El cálculo debe ser estable con *logits* muy negativos.
    """
    inputs = [
        (torch.zeros(4), "D = 1/2 en todas las muestras"),
        (torch.tensor([2.0, -1.0, 0.5]), "logits variados"),
        (torch.tensor([-200.0, -3.0]), "un logit muy negativo: ¿es estable tu cálculo?"),
    ]
    return check_reference(
        fn, _nonsaturating_loss, inputs, rtol=1e-4, atol=1e-5, **texts("gan.perdida_no_saturante")
    )


def check_gradient_penalty(fn: Callable[[Any, Tensor, Tensor, Tensor], Any]) -> Feedback:
    """Ejercicio: ``fn(critico, reales, falsas, eps)`` devuelve ``10·E[(‖∇D(x̂)‖ − 1)²]``.

    ``x̂ = eps·reales + (1 − eps)·falsas``, con ``eps`` de forma (N, 1); ``critico`` devuelve
    una puntuación (N,) por punto.
    """
    g = torch.Generator().manual_seed(0)
    real = torch.randn(6, 2, generator=g, dtype=torch.float64)
    fake = torch.randn(6, 2, generator=g, dtype=torch.float64)
    eps = torch.rand(6, 1, generator=g, dtype=torch.float64)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1),
                              torch.nn.Flatten(0)).double()
    inputs = [
        (_LinearCritic([0.6, 0.8]), real, fake, eps, "crítico lineal con ‖w‖ = 1: debe dar 0"),
        (_LinearCritic([3.0, 4.0]), real, fake, eps, "crítico lineal con ‖w‖ = 5: 10·(5 − 1)²"),
        (mlp, real, fake, eps, "un perceptrón pequeño: el gradiente cambia de un punto a otro"),
    ]
    return check_reference(
        fn, _gradient_penalty, inputs, rtol=1e-4, atol=1e-6, **texts("gan.penalizacion_gradiente")
    )


LIPSCHITZ_QUESTION = """El crítico de una WGAN debe ser 1-Lipschitz: |D(x) − D(y)| ≤ ‖x − y‖.
La WGAN original lo imponía recortando cada peso a [−0,01; 0,01]; WGAN-GP penaliza
(‖∇D(x̂)‖ − 1)² en puntos x̂ entre datos y muestras. ¿Por qué es mejor la penalización?
a) Porque recortar los pesos hace que el crítico aprenda más despacio, pero da el mismo crítico.
b) Porque recortar los pesos limita la función de forma tosca: empuja al crítico hacia funciones
   demasiado simples (y el límite depende del recorte elegido); la penalización pide justo lo
   que cumple el crítico óptimo, pendiente 1 entre los datos y las muestras.
c) Porque con la penalización el crítico ya no necesita ser Lipschitz.
d) Porque la penalización añade una sigmoide a la salida del crítico."""


def check_lipschitz_answer(answer: Any) -> Feedback:
    """Corrige la pregunta :data:`LIPSCHITZ_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(answer, "b", **texts("gan.lipschitz"))


def check_equilibrium_value(value: Any) -> Feedback:
    """Ejercicio: el valor del juego ``V(D*, G)`` cuando ``p_g = p_datos`` (un número)."""
    expected = -math.log(4)
    hint = text("gan.equilibrio.pista")
    if value is None or value is Ellipsis:
        return Feedback(False, text("gan.equilibrio.sin_respuesta"), hint, pending=True)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Feedback(False, f"la respuesta debe ser un número; recibí {value!r}.", hint)
    if abs(value - expected) > 1e-3:
        mensaje = f"{fmt_sig(value, 4)} no es el valor del juego en el equilibrio."
        return Feedback(False, mensaje, hint)
    return Feedback(True, text("gan.equilibrio.acierto"))


COLLAPSE_QUESTION = """Una GAN se entrena con los 8 modos del anillo. En los puntos de control,
casi todas las muestras caen en UN solo modo, y ese modo cambia de un punto de control al
siguiente; la pérdida del discriminador no baja a cero. ¿Qué diagnóstico es el correcto?
a) El discriminador ha ganado: D(G(z)) ≈ 0 y el generador ya no recibe gradiente.
b) Colapso de modos: el generador persigue el modo que el discriminador peor vigila en cada
   momento, en lugar de repartirse entre todos.
c) El juego ha llegado al equilibrio: D = 1/2 en todas partes.
d) El generador memoriza los datos de entrenamiento."""


def check_collapse_diagnosis(answer: Any) -> Feedback:
    """Corrige la pregunta :data:`COLLAPSE_QUESTION` (respuesta: una letra de la a a la d)."""
    return check_choice_answer(answer, "b", **texts("gan.colapso"))
