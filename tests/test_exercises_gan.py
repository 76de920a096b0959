"""Pruebas de los comprobadores de ejercicios del capítulo 2 (genai_utils.exercises.gan)."""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from genai_utils.exercises.gan import (
    COLLAPSE_QUESTION,
    check_collapse_diagnosis,
    check_equilibrium_value,
    check_nonsaturating_loss,
    check_optimal_discriminator,
)
from genai_utils.gan import generator_loss, optimal_discriminator


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


def test_discriminador_optimo_acepta_y_rechaza() -> None:
    assert check_optimal_discriminator(lambda a, b: a / (a + b)).correct
    assert check_optimal_discriminator(optimal_discriminator).correct
    swapped = check_optimal_discriminator(lambda a, b: b / (a + b))
    assert not swapped.correct and "Esperado" in swapped.message and swapped.hint
    assert not check_optimal_discriminator(lambda a, b: a / b).correct
    pending = check_optimal_discriminator(_stub)
    assert pending.pending and not pending.correct


def test_perdida_no_saturante_acepta_y_rechaza() -> None:
    assert check_nonsaturating_loss(lambda lg: F.softplus(-lg).mean()).correct
    assert check_nonsaturating_loss(lambda lg: -F.logsigmoid(lg).mean()).correct
    assert check_nonsaturating_loss(generator_loss).correct
    minimax = check_nonsaturating_loss(lambda lg: torch.log(1 - torch.sigmoid(lg)).mean())
    assert not minimax.correct
    # la versión ingenua da inf con un logit de −200: se rechaza por inestable
    naive = check_nonsaturating_loss(lambda lg: -torch.log(torch.sigmoid(lg)).mean())
    assert not naive.correct and "caso 3" in naive.message
    assert not check_nonsaturating_loss(lambda lg: F.softplus(-lg).sum()).correct
    assert check_nonsaturating_loss(_stub).pending


def test_valor_en_el_equilibrio() -> None:
    assert check_equilibrium_value(-math.log(4)).correct
    assert check_equilibrium_value(-1.3863).correct
    assert not check_equilibrium_value(math.log(4)).correct
    assert not check_equilibrium_value(0.5).correct
    assert not check_equilibrium_value("−log 4").correct
    assert check_equilibrium_value(None).pending


def test_diagnostico_del_colapso() -> None:
    assert "a)" in COLLAPSE_QUESTION and "d)" in COLLAPSE_QUESTION
    assert check_collapse_diagnosis("b").correct
    assert check_collapse_diagnosis(" B ").correct
    for wrong in ("a", "c", "d"):
        feedback = check_collapse_diagnosis(wrong)
        assert not feedback.correct and feedback.hint
    assert not check_collapse_diagnosis("e").correct
    assert check_collapse_diagnosis(None).pending


def test_penalizacion_del_gradiente_acepta_y_rechaza() -> None:
    from genai_utils.exercises.gan import check_gradient_penalty
    from genai_utils.gan import gradient_penalty

    def mia(critico, reales, falsas, eps):
        x = (eps * reales + (1 - eps) * falsas).requires_grad_(True)
        (g,) = torch.autograd.grad(critico(x).sum(), x)
        return 10 * ((g.norm(dim=1) - 1) ** 2).mean()

    assert check_gradient_penalty(mia).correct
    assert check_gradient_penalty(
        lambda c, r, f, e: gradient_penalty(c, r, f, eps=e, weight=10.0)).correct

    def sin_raiz(critico, reales, falsas, eps):  # (‖∇‖² − 1)²: el cuadrado de la norma
        x = (eps * reales + (1 - eps) * falsas).requires_grad_(True)
        (g,) = torch.autograd.grad(critico(x).sum(), x)
        return 10 * ((g.pow(2).sum(dim=1) - 1) ** 2).mean()

    wrong = check_gradient_penalty(sin_raiz)
    assert not wrong.correct and wrong.hint
    assert not check_gradient_penalty(lambda c, r, f, e: torch.tensor(0.0)).correct
    assert check_gradient_penalty(_stub).pending


def test_pregunta_de_lipschitz() -> None:
    from genai_utils.exercises.gan import LIPSCHITZ_QUESTION, check_lipschitz_answer

    assert "a)" in LIPSCHITZ_QUESTION and "d)" in LIPSCHITZ_QUESTION
    assert check_lipschitz_answer("b").correct and check_lipschitz_answer(" B").correct
    for wrong in ("a", "c", "d"):
        assert not check_lipschitz_answer(wrong).correct
    assert check_lipschitz_answer(None).pending
    assert not check_lipschitz_answer(3).correct
