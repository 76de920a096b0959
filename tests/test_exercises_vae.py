"""Pruebas de los comprobadores del capítulo 3 (genai_utils.exercises.vae)."""

from __future__ import annotations

import math

import torch

from genai_utils.exercises.vae import (
    RATE_DISTORTION_QUESTION,
    check_bits_per_dim,
    check_gaussian_kl,
    check_rate_distortion,
    check_reparameterize,
)


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


# ------------------------------------------------------------------ KL gaussiana
def test_kl_acepta_la_solucion() -> None:
    def kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=-1)

    feedback = check_gaussian_kl(kl)
    assert feedback.correct, feedback.message


def test_kl_rechaza_errores_tipicos() -> None:
    def sin_sumar(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return 0.5 * (mu**2 + logvar.exp() - 1 - logvar)

    def varianza_como_sigma(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return 0.5 * (mu**2 + (0.5 * logvar).exp() - 1 - logvar).sum(dim=-1)

    def suma_todo(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum()

    for wrong in (sin_sumar, varianza_como_sigma, suma_todo):
        feedback = check_gaussian_kl(wrong)
        assert not feedback.correct and not feedback.pending
        assert "Pista" in str(feedback)
    assert check_gaussian_kl(_stub).pending


# ------------------------------------------------------------------ reparametrización
def test_reparametrizacion_acepta_la_solucion() -> None:
    feedback = check_reparameterize(lambda m, lv, e: m + torch.exp(0.5 * lv) * e)
    assert feedback.correct and "∂z/∂μ" in feedback.message


def test_reparametrizacion_rechaza_errores() -> None:
    assert not check_reparameterize(lambda m, lv, e: m + torch.exp(lv) * e).correct
    assert not check_reparameterize(lambda m, lv, e: m + lv * e).correct
    assert not check_reparameterize(lambda m, lv, e: m + torch.randn_like(m)).correct

    def sin_gradiente(m: torch.Tensor, lv: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        return (m + torch.exp(0.5 * lv) * e).detach()

    feedback = check_reparameterize(sin_gradiente)
    assert not feedback.correct and "retropropagar" in feedback.message
    assert check_reparameterize(_stub).pending


# ------------------------------------------------------------------ bits por dimensión
def test_bits_por_dimension() -> None:
    assert check_bits_per_dim(lambda lp, d: -lp / (d * math.log(2))).correct
    assert not check_bits_per_dim(lambda lp, d: lp / (d * math.log(2))).correct
    assert not check_bits_per_dim(lambda lp, d: -lp / d).correct
    assert not check_bits_per_dim(lambda lp, d: -lp / math.log(2)).correct
    assert check_bits_per_dim(_stub).pending


# ------------------------------------------------------------------ tasa–distorsión
def test_tasa_distorsion() -> None:
    assert "β" in RATE_DISTORTION_QUESTION
    assert check_rate_distortion("b").correct
    assert check_rate_distortion(" B ").correct
    for wrong in ("a", "c", "d"):
        assert not check_rate_distortion(wrong).correct
    assert check_rate_distortion(None).pending
    assert not check_rate_distortion("z").correct
