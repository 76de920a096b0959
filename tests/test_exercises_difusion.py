"""Pruebas de los comprobadores del capítulo 4 (genai_utils.exercises.difusion)."""

from __future__ import annotations

from genai_utils.exercises.difusion import (
    GENERATION_QUESTION,
    check_classifier_free_guidance,
    check_ddim_step,
    check_euler_sampler,
    check_flow_path,
    check_forward_noising,
    check_generation_start,
)


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


def _noising_ok(x0, t, alpha_bars, noise):
    a = alpha_bars[t].reshape(-1, *[1] * (x0.ndim - 1))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def test_ruido_directo() -> None:
    assert check_forward_noising(_noising_ok).correct
    pending = check_forward_noising(_stub)
    assert pending.pending and not pending.correct

    def sin_raices(x0, t, alpha_bars, noise):
        a = alpha_bars[t].reshape(-1, *[1] * (x0.ndim - 1))
        return a * x0 + (1 - a) * noise

    def mal_difundido(x0, t, alpha_bars, noise):  # solo funciona con datos (N, D)
        a = alpha_bars[t][:, None]
        return a.sqrt() * x0 + (1 - a).sqrt() * noise

    wrong = check_forward_noising(sin_raices)
    assert not wrong.correct and "raíces" in (wrong.hint or "")
    shape = check_forward_noising(mal_difundido)
    assert not shape.correct and "caso 3" in shape.message


def test_paso_ddim() -> None:
    def ok(x_t, eps, a, a_prev):
        x0 = (x_t - (1 - a) ** 0.5 * eps) / a**0.5
        return a_prev**0.5 * x0 + (1 - a_prev) ** 0.5 * eps

    def sin_raiz(x_t, eps, a, a_prev):
        x0 = (x_t - (1 - a) * eps) / a
        return a_prev * x0 + (1 - a_prev) * eps

    assert check_ddim_step(ok).correct
    assert not check_ddim_step(sin_raiz).correct
    assert check_ddim_step(_stub).pending


def test_guia() -> None:
    assert check_classifier_free_guidance(lambda c, u, w: u + w * (c - u)).correct
    assert check_classifier_free_guidance(lambda c, u, w: (1 + w) * c - w * u).correct is False
    assert check_classifier_free_guidance(_stub).pending


def test_pregunta_generacion() -> None:
    assert "ruido gaussiano puro" in GENERATION_QUESTION
    assert check_generation_start("c").correct and check_generation_start(" C ").correct
    assert not check_generation_start("a").correct
    assert check_generation_start(None).pending
    assert not check_generation_start("z").correct


def test_camino_recto() -> None:
    def ok(x0, noise, t):
        t = t.reshape(-1, *[1] * (x0.ndim - 1))
        return (1 - t) * x0 + t * noise

    def al_reves(x0, noise, t):
        t = t.reshape(-1, *[1] * (x0.ndim - 1))
        return t * x0 + (1 - t) * noise

    def solo_puntos(x0, noise, t):  # solo funciona con datos (N, D)
        return (1 - t[:, None]) * x0 + t[:, None] * noise

    assert check_flow_path(ok).correct
    wrong = check_flow_path(al_reves)
    assert not wrong.correct and "caso 1" in wrong.message
    assert not check_flow_path(solo_puntos).correct
    assert check_flow_path(_stub).pending


def test_euler_del_flujo() -> None:
    def ok(velocity, x1, n_steps):
        x, h = x1, 1.0 / n_steps
        for i in range(n_steps):
            x = x - h * velocity(x, 1.0 - i * h)
        return x

    def tiempo_mal(velocity, x1, n_steps):  # evalúa al final del paso, no al principio
        x, h = x1, 1.0 / n_steps
        for i in range(n_steps):
            x = x - h * velocity(x, 1.0 - (i + 1) * h)
        return x

    def suma(velocity, x1, n_steps):
        x, h = x1, 1.0 / n_steps
        for i in range(n_steps):
            x = x + h * velocity(x, 1.0 - i * h)
        return x

    assert check_euler_sampler(ok).correct
    assert not check_euler_sampler(tiempo_mal).correct
    assert not check_euler_sampler(suma).correct
    assert check_euler_sampler(_stub).pending
