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

from genai_utils.exercises.core import Feedback, check_choice_answer, check_reference
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
    p_data, p_model = p_data.to(torch.float64), p_model.to(torch.float64)
    return p_data / (p_data + p_model)


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
    hint = (
        "D*(x) = p_datos(x) / (p_datos(x) + p_g(x)): la fracción de la densidad total que "
        "corresponde a los datos reales. Donde solo hay datos vale 1; donde solo hay muestras "
        "falsas, 0; y 1/2 donde las dos densidades coinciden."
    )
    return check_reference(
        fn, _optimal_discriminator, inputs, hint=hint,
        success="Tu discriminador óptimo coincide con D* en todos los casos.",
    )


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
    hint = (
        "el generador minimiza −log D(G(z)), no log(1 − D(G(z))). Como D = sigmoid(logit), "
        "−log sigmoid(l) = softplus(−l): usa torch.nn.functional.softplus (o logsigmoid) en vez "
        "de calcular log(torch.sigmoid(l)), que da −inf cuando l es muy negativo. Promedia con "
        ".mean()."
    )
    return check_reference(
        fn, _nonsaturating_loss, inputs, hint=hint, rtol=1e-4, atol=1e-5,
        success="Tu pérdida no saturante es correcta y estable.",
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
    hint = (
        "interpola x̂ = eps·reales + (1 − eps)·falsas, márcalo con .requires_grad_(True), calcula "
        "el gradiente de critico(x̂).sum() respecto de x̂ con torch.autograd.grad, toma su norma "
        "por filas (.norm(dim=1)) y promedia 10·(norma − 1)²."
    )
    return check_reference(
        fn, _gradient_penalty, inputs, hint=hint, rtol=1e-4, atol=1e-6,
        success="Tu penalización del gradiente coincide con la de WGAN-GP en todos los casos.",
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
    return check_choice_answer(
        answer,
        "b",
        ("a", "b", "c", "d"),
        explanation=(
            "Recortar cada peso a una caja acota la constante de Lipschitz, pero de forma muy "
            "burda: el crítico acaba cerca de funciones casi lineales por tramos y saturadas, y "
            "su capacidad depende del recorte. El crítico óptimo de la distancia de Wasserstein "
            "tiene gradiente de norma 1 en los segmentos que unen datos y muestras, y eso es lo "
            "que pide la penalización, solo donde importa. El crítico sigue debiendo ser "
            "Lipschitz (c) y no lleva sigmoide (d)."
        ),
        hint=(
            "piensa en qué familia de funciones puede representar una red con todos los pesos "
            "en [−0,01; 0,01], y en qué cumple el crítico óptimo entre datos y muestras."
        ),
    )


def check_equilibrium_value(value: Any) -> Feedback:
    """Ejercicio: el valor del juego ``V(D*, G)`` cuando ``p_g = p_datos`` (un número)."""
    expected = -math.log(4)
    hint = (
        "si p_g = p_datos, entonces D*(x) = 1/2 en todas partes; sustituye en "
        "V = E[log D(x)] + E[log(1 − D(G(z)))]."
    )
    if value is None or value is Ellipsis:
        return Feedback(False, "Aún no has respondido: escribe un número.", hint, pending=True)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Feedback(False, f"la respuesta debe ser un número; recibí {value!r}.", hint)
    if abs(value - expected) > 1e-3:
        mensaje = f"{fmt_sig(value, 4)} no es el valor del juego en el equilibrio."
        return Feedback(False, mensaje, hint)
    return Feedback(
        True,
        "V = log ½ + log ½ = −log 4 ≈ −1,386. Es el mínimo de C(G) = −log 4 + 2·JS(p_datos ‖ p_g): "
        "la divergencia de Jensen-Shannon vale 0 solo cuando las dos distribuciones coinciden.",
    )


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
    return check_choice_answer(
        answer,
        "b",
        ("a", "b", "c", "d"),
        explanation=(
            "Es colapso de modos con oscilación: cada paso del generador lleva sus muestras a "
            "la zona que el discriminador considera ahora más «real»; el discriminador aprende a "
            "rechazarla y el generador salta a otro modo. En el equilibrio (c) las muestras "
            "cubrirían los 8 modos; si el discriminador hubiese ganado (a) su pérdida sería "
            "casi cero; y memorizar (d) copiaría datos de todos los modos."
        ),
        hint=(
            "fíjate en dos cosas: cuántos modos cubren las muestras y si ese modo se queda quieto. "
            "¿Qué pasaría con la pérdida del discriminador si hubiese ganado del todo?"
        ),
    )
