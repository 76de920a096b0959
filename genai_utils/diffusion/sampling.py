"""Muestreo: los muestreadores DDPM y DDIM y la guía sin clasificador.

Ambos recorren los pasos al revés, desde ruido puro, y piden a la red el ruido de cada paso.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import torch
from torch import Tensor, nn

from genai_utils.diffusion.networks import _Denoiser
from genai_utils.diffusion.schedules import (
    NoiseSchedule,
    _check_schedule,
)
from genai_utils.diffusion.train import _check_labels
from genai_utils.validation import (
    MAX_SIZE,
    check_keywords,
    check_non_negative_float,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_model


# --------------------------------------------------------------------------- muestreo
@torch.no_grad()
def guided_noise(
    model: nn.Module, x: Tensor, t: Tensor, labels: Tensor | None = None, guidance: float = 1.0,
) -> Tensor:
    """Ruido predicho con guía sin clasificador: ε̃ = ε_∅ + w (ε_y − ε_∅).

    ``w = guidance``: 0 ignora la etiqueta, 1 es la predicción condicional sin más y w > 1
    exagera la diferencia entre ambas (más fidelidad a la clase, menos variedad). Sin
    ``labels`` devuelve la predicción incondicional.
    """
    if labels is None:
        return model(x, t, None)
    check_non_negative_float(guidance, "guidance")
    if guidance == 1:
        return model(x, t, labels)
    null = torch.full_like(labels, model.num_classes)
    both = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
    eps_cond, eps_uncond = both.chunk(2)
    return eps_uncond + guidance * (eps_cond - eps_uncond)


def timestep_sequence(n_steps: int, schedule: NoiseSchedule) -> Tensor:
    """``n_steps`` pasos equiespaciados de T − 1 a 0 (los que recorre DDIM), sin repetir."""
    schedule = _check_schedule(schedule)
    check_positive_int(n_steps, "n_steps")
    if n_steps > schedule.n_steps:
        raise ValueError(
            f"El argumento `n_steps` no puede superar los {schedule.n_steps} pasos del "
            f"calendario; se recibió {n_steps}."
        )
    steps = torch.linspace(schedule.n_steps - 1, 0, n_steps, dtype=torch.float64).round().long()
    return steps


def _prepare_sampling(
    model: nn.Module,
    schedule: object,
    shape: tuple[int, ...],
    labels: Tensor | None,
    clip: float | None,
    device: object,
) -> tuple[torch.device, Tensor | None]:
    """Valida lo común a los muestreadores; devuelve el dispositivo y las etiquetas."""
    _check_schedule(schedule)
    check_model(model)
    if not isinstance(shape, tuple) or not shape or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            "El argumento `shape` debe ser una tupla de enteros positivos (N, …); "
            f"se recibió {shape!r}."
        )
    if math.prod(shape) > MAX_SIZE:
        raise ValueError(
            f"El argumento `shape` pide {math.prod(shape)} valores; el máximo es {MAX_SIZE}."
        )
    if isinstance(model, _Denoiser) and math.prod(shape[1:]) != model.dim:
        raise ValueError(
            f"El argumento `shape` debe dar {model.dim} valores por ejemplo, los que espera "
            f"`model`; se recibió {shape!r}."
        )
    if labels is not None:
        labels = _check_labels(labels, shape[0], model)
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    if clip is not None:
        check_positive_float(clip, "clip")
    return torch.device(device), labels


#: ``(i, paso, x_t, ε̂) → x`` del paso siguiente: lo único que distingue a DDPM de DDIM.
_Update = Callable[[int, int, Tensor, Tensor], Tensor]


@torch.no_grad()
def _denoise(
    model: nn.Module,
    x: Tensor,
    steps: Iterable[int],
    labels: Tensor | None,
    guidance: float,
    update: _Update,
    keep_trajectory: bool,
) -> Tensor | tuple[Tensor, Tensor]:
    """Recorre ``steps`` desde el ruido ``x``: pide el ruido ε̂ a la red y aplica ``update``.

    Con ``keep_trajectory`` devuelve también todos los estados (en la CPU), del ruido a la muestra.
    """
    was_training = model.training
    model.eval()
    trajectory = [x.cpu()] if keep_trajectory else None
    try:
        for i, step in enumerate(steps):
            t = torch.full((x.shape[0],), step, dtype=torch.long, device=x.device)
            x = update(i, step, x, guided_noise(model, x, t, labels, guidance))
            if trajectory is not None:
                trajectory.append(x.cpu())
    finally:
        model.train(was_training)
    return (x, torch.stack(trajectory)) if trajectory is not None else x


#: ``(calendario, dispositivo, forma, clip, generador) → (pasos, update)``: cada muestreador es
#: una regla que dice qué pasos recorre y cómo pasa de uno al siguiente.
_Rule = Callable[
    [NoiseSchedule, torch.device, tuple[int, ...], float | None, torch.Generator | None],
    tuple[Iterable[int], _Update],
]


@torch.no_grad()
def _sample(
    model: nn.Module,
    schedule: NoiseSchedule,
    shape: tuple[int, ...],
    rule: _Rule,
    *,
    labels: Tensor | None = None,
    guidance: float = 1.0,
    clip: float | None = None,
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
    device: torch.device | str | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """El bucle común de los muestreadores; sus argumentos con nombre son las opciones de ambos.

    Valida, sortea x_T ~ N(0, I) con ``generator`` y recorre los pasos de ``rule``. ``labels``
    (N,) pide una clase por muestra a una red condicional, con guía sin clasificador de peso
    ``guidance`` (:func:`guided_noise`); ``clip`` recorta la estimación x̂_0 a [−clip, clip];
    ``device``, por defecto el de la red.
    """
    device, labels = _prepare_sampling(model, schedule, shape, labels, clip, device)
    steps, update = rule(schedule, device, shape, clip, generator)
    x = torch.randn(shape, generator=generator).to(device)
    return _denoise(model, x, steps, labels, guidance, update, return_trajectory)


def ddpm_sample(
    model: nn.Module, schedule: NoiseSchedule, shape: tuple[int, ...], **options: Any,
) -> Tensor | tuple[Tensor, Tensor]:
    """Muestreo ancestral de DDPM: parte de ruido puro x_T ~ N(0, I) y recorre los T pasos.

    En cada paso estima x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t (recortado a [−clip, clip] si se
    indica), toma la media de q(x_{t−1} | x_t, x̂_0) y suma ruido de varianza β̃_t (salvo en el
    último paso). Opciones, las mismas que en :func:`ddim_sample`: ``labels``, ``guidance``,
    ``clip``, ``generator``, ``device`` y ``return_trajectory`` (con ``True`` devuelve también
    los T + 1 estados (T+1, …), en la CPU, del ruido puro a la muestra).
    """
    check_keywords(options, _sample, "`ddpm_sample`")
    return _sample(model, schedule, shape, _ddpm_rule, **options)


def _ddpm_rule(
    schedule: NoiseSchedule, device: torch.device, shape: tuple[int, ...], clip: float | None,
    generator: torch.Generator | None,
) -> tuple[Iterable[int], _Update]:
    sched = schedule.to(device)
    prev_bars = torch.cat([sched.alpha_bars.new_ones(1), sched.alpha_bars[:-1]])

    def update(i: int, step: int, x: Tensor, eps: Tensor) -> Tensor:
        a_bar, a_bar_prev = sched.alpha_bars[step], prev_bars[step]
        x0_hat = _predict_x0(x, eps, a_bar, clip)
        mean = (a_bar_prev.sqrt() * sched.betas[step] / (1 - a_bar)) * x0_hat + (
            sched.alphas[step].sqrt() * (1 - a_bar_prev) / (1 - a_bar)
        ) * x
        if step == 0:
            return mean
        noise = torch.randn(shape, generator=generator).to(device)
        return mean + sched.posterior_variances[step].sqrt() * noise

    return range(schedule.n_steps - 1, -1, -1), update


def _predict_x0(x: Tensor, eps: Tensor, a_bar: Tensor, clip: float | None) -> Tensor:
    x0 = (x - (1 - a_bar).sqrt() * eps) / a_bar.sqrt()
    return x0 if clip is None else x0.clamp(-clip, clip)


def ddim_sample(
    model: nn.Module,
    schedule: NoiseSchedule,
    shape: tuple[int, ...],
    *,
    n_steps: int | None = None,
    eta: float = 0.0,
    **options: Any,
) -> Tensor | tuple[Tensor, Tensor]:
    """Muestreo DDIM con ``n_steps`` pasos (por defecto, los T del calendario).

    Entre dos pasos τ_i > τ_{i−1}: x_{τ_{i−1}} = √ᾱ_{i−1} x̂_0 + √(1 − ᾱ_{i−1} − σ²) ε̂ + σ z,
    con σ = η √((1 − ᾱ_{i−1}) / (1 − ᾱ_i)) √(1 − ᾱ_i / ᾱ_{i−1}). Con ``eta=0`` es determinista
    (solo sortea x_T); con ``eta=1`` es el muestreo ancestral de DDPM sobre esos pasos, y con los
    T pasos coincide con :func:`ddpm_sample`. Opciones: ``labels`` (una clase por muestra, para
    una red condicional), ``guidance`` (peso de la guía sin clasificador), ``clip`` (recorta
    x̂_0 a [−clip, clip]), ``generator``, ``device`` y ``return_trajectory`` (devuelve también
    los estados intermedios, en la CPU).
    """
    check_keywords(options, _sample, "`ddim_sample`", own=("n_steps", "eta"))
    check_non_negative_float(eta, "eta")
    rule = partial(_ddim_rule, n_steps=n_steps, eta=eta)
    return _sample(model, schedule, shape, rule, **options)


def _ddim_rule(
    schedule: NoiseSchedule, device: torch.device, shape: tuple[int, ...], clip: float | None,
    generator: torch.Generator | None, *, n_steps: int | None, eta: float,
) -> tuple[Iterable[int], _Update]:
    steps = timestep_sequence(schedule.n_steps if n_steps is None else n_steps, schedule)
    a_bars = schedule.alpha_bars.to(device)

    def update(i: int, step: int, x: Tensor, eps: Tensor) -> Tensor:
        a_bar = a_bars[step]
        a_prev = a_bars[steps[i + 1]] if i + 1 < len(steps) else a_bars.new_tensor(1.0)
        x0_hat = _predict_x0(x, eps, a_bar, clip)
        if clip is not None:  # ε coherente con el x̂_0 recortado
            eps = (x - a_bar.sqrt() * x0_hat) / (1 - a_bar).sqrt()
        sigma = eta * ((1 - a_prev) / (1 - a_bar) * (1 - a_bar / a_prev)).clamp(min=0).sqrt()
        x = a_prev.sqrt() * x0_hat + (1 - a_prev - sigma**2).clamp(min=0).sqrt() * eps
        if i + 1 < len(steps) and eta > 0:
            x = x + sigma * torch.randn(shape, generator=generator).to(device)
        return x

    return steps.tolist(), update
