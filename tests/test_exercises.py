"""Pruebas de los comprobadores de ejercicios (genai_utils.exercises)."""

from __future__ import annotations

import math

import torch

from genai_utils.exercises import Feedback, check_function
from genai_utils.exercises.conceptos import (
    check_bigram_counts,
    check_conditional_probs,
    check_discriminative_vs_generative,
    check_gaussian_log_likelihood,
    check_pca_reconstruction,
    check_temperature,
)
from genai_utils.exercises.core import Case


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


def _boom(*args: object) -> object:
    raise ZeroDivisionError("división por cero")


# ------------------------------------------------------------------ Feedback y check_function
def test_feedback_se_muestra_en_espanol() -> None:
    ok = Feedback(True, "Bien hecho.")
    bad = Feedback(False, "el caso 1 falla.", "revisa el signo.")
    assert str(ok).startswith("✅ ¡Correcto!") and bool(ok)
    assert str(bad).startswith("❌ Todavía no: el caso 1 falla.") and not bad
    assert "Pista: revisa el signo." in str(bad)
    assert "Pista" in bad._repr_markdown_() and "<div" in bad._repr_html_()
    assert "&lt;" in Feedback(False, "a < b")._repr_html_()


def test_check_function_nunca_lanza() -> None:
    cases = [Case((1.0,), 2.0)]
    assert check_function(lambda x: 2 * x, cases).correct
    stub = check_function(_stub, cases)
    assert not stub.correct and stub.pending
    assert str(stub).startswith("✏️ Aún no has escrito tu solución")
    boom = check_function(_boom, cases)
    assert not boom.correct and "ZeroDivisionError" in boom.message
    wrong = check_function(lambda x: 3 * x, cases)
    assert "Esperado: 2" in wrong.message and "obtenido: 3" in wrong.message
    assert not check_function("no soy una función", cases).correct  # type: ignore[arg-type]
    assert not check_function(lambda x: "texto", cases).correct


def test_check_function_no_deja_que_el_lector_estropee_los_casos() -> None:
    data = torch.tensor([1.0, 2.0])

    def mutate(x: torch.Tensor) -> torch.Tensor:
        x.mul_(0)
        return x

    check_function(mutate, [Case((data,), data.clone())])
    assert torch.equal(data, torch.tensor([1.0, 2.0]))


# ------------------------------------------------------------------ log-verosimilitud gaussiana
def _gauss_ok(x: torch.Tensor, mu: float, sigma: float) -> torch.Tensor:
    return (-0.5 * math.log(2 * math.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)).sum()


def test_gaussiana_acepta_la_solucion_y_floats() -> None:
    assert check_gaussian_log_likelihood(_gauss_ok).correct
    assert check_gaussian_log_likelihood(lambda x, m, s: float(_gauss_ok(x, m, s))).correct


def test_gaussiana_rechaza_errores_tipicos() -> None:
    def sigma_en_vez_de_varianza(x: torch.Tensor, mu: float, sigma: float) -> torch.Tensor:
        return (-0.5 * math.log(2 * math.pi * sigma) - (x - mu) ** 2 / (2 * sigma)).sum()

    def sin_sumar(x: torch.Tensor, mu: float, sigma: float) -> torch.Tensor:
        return -0.5 * math.log(2 * math.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)

    wrong_value = check_gaussian_log_likelihood(sigma_en_vez_de_varianza)
    assert not wrong_value.correct and "σ = 0,5" in wrong_value.message and wrong_value.hint
    wrong_shape = check_gaussian_log_likelihood(sin_sumar)
    assert not wrong_shape.correct and "forma" in wrong_shape.message
    assert "Aún no" in check_gaussian_log_likelihood(_stub).message


# ------------------------------------------------------------------ bigramas
def _counts_ok(text: str, vocab: list[str]) -> torch.Tensor:
    counts = torch.zeros(len(vocab), len(vocab))
    for a, b in zip(text, text[1:], strict=False):
        counts[vocab.index(a), vocab.index(b)] += 1
    return counts


def test_recuentos_de_bigramas() -> None:
    assert check_bigram_counts(_counts_ok).correct
    transposed = check_bigram_counts(lambda t, v: _counts_ok(t, v).T)
    assert not transposed.correct
    nested_lists = check_bigram_counts(lambda t, v: _counts_ok(t, v).tolist())
    assert nested_lists.correct  # una lista de listas con los valores correctos también vale
    assert not check_bigram_counts(lambda t, v: len(t)).correct
    assert "IndexError" in check_bigram_counts(lambda t, v: [][0]).message


# ------------------------------------------------------------------ probabilidades condicionales
def _cond_ok(counts: torch.Tensor, alpha: float) -> torch.Tensor:
    c = counts + alpha
    return c / c.sum(dim=1, keepdim=True)


def test_probabilidades_condicionales() -> None:
    assert check_conditional_probs(_cond_ok).correct
    by_column = check_conditional_probs(lambda c, a: (c + a) / (c + a).sum(dim=0, keepdim=True))
    assert not by_column.correct and "Pista" in str(by_column)
    no_smoothing = check_conditional_probs(lambda c, a: c / c.sum(dim=1, keepdim=True))
    assert not no_smoothing.correct
    assert not check_conditional_probs(lambda c, a: (c + a).sum()).correct
    assert "Aún no" in check_conditional_probs(_stub).message


# ------------------------------------------------------------------ temperatura
def test_temperatura() -> None:
    assert check_temperature(lambda z, t: torch.softmax(z / t, dim=-1)).correct

    def stable_by_hand(z: torch.Tensor, t: float) -> torch.Tensor:
        e = torch.exp((z - z.max(dim=-1, keepdim=True).values) / t)
        return e / e.sum(dim=-1, keepdim=True)

    assert check_temperature(stable_by_hand).correct
    assert not check_temperature(lambda z, t: torch.softmax(z * t, dim=-1)).correct

    def unstable(z: torch.Tensor, t: float) -> torch.Tensor:
        e = torch.exp(z / t)
        return e / e.sum(dim=-1, keepdim=True)

    fb = check_temperature(unstable)
    assert not fb.correct and "NaN" in fb.message
    assert not check_temperature(lambda z, t: torch.softmax(z / t, dim=0)).correct


# ------------------------------------------------------------------ PCA
def _pca_ok(x: torch.Tensor, k: int) -> torch.Tensor:
    mean = x.mean(0)
    _, _, vt = torch.linalg.svd(x - mean, full_matrices=False)
    w = vt[:k]
    return (x - mean) @ w.T @ w + mean


def test_reconstruccion_pca() -> None:
    assert check_pca_reconstruction(_pca_ok).correct

    def no_centre(x: torch.Tensor, k: int) -> torch.Tensor:
        _, _, vt = torch.linalg.svd(x, full_matrices=False)
        return x @ vt[:k].T @ vt[:k]

    assert not check_pca_reconstruction(no_centre).correct
    codes_only = check_pca_reconstruction(lambda x, k: (x - x.mean(0))[:, :k])
    assert not codes_only.correct and "forma" in codes_only.message
    assert "Aún no" in check_pca_reconstruction(_stub).message


# ------------------------------------------------------------------ opción múltiple
def test_discriminativo_frente_a_generativo() -> None:
    assert check_discriminative_vs_generative("b").correct
    assert check_discriminative_vs_generative(" B ").correct
    pending = check_discriminative_vs_generative(None)
    assert pending.pending and "Aún no has respondido" in str(pending)
    assert not check_discriminative_vs_generative("a").correct
    assert not check_discriminative_vs_generative(2).correct
    assert not check_discriminative_vs_generative("z").correct
