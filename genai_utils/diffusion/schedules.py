"""Calendarios de ruido y proceso directo de la difusión.

Un calendario fija cuánto ruido se añade en cada paso (lineal o coseno) y de él salen las
magnitudes acumuladas; el proceso directo usa esas magnitudes para ensuciar un dato limpio en
un paso o de golpe hasta el paso ``t``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from genai_utils.data import IMAGE_SIZE
from genai_utils.validation import (
    MAX_SIZE,
    check_choice,
    check_fraction,
    check_instance,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor

SCHEDULE_KINDS = ("linear", "cosine")
_PIXELS = IMAGE_SIZE * IMAGE_SIZE


# --------------------------------------------------------------------------- calendarios
@dataclass(frozen=True)
class NoiseSchedule:
    """Calendario de ruido: las :math:`\\beta_t` y las cantidades que se derivan de ellas.

    Todos los tensores tienen forma (T,) y tipo ``float32``; se calculan en ``float64``.
    """

    betas: Tensor
    alphas: Tensor
    alpha_bars: Tensor

    @property
    def n_steps(self) -> int:
        """Número de pasos T del proceso directo."""
        return len(self.betas)

    @property
    def posterior_variances(self) -> Tensor:
        """Varianza :math:`\\tilde\\beta_t` de q(x_{t-1} | x_t, x_0); en el primer paso, 0."""
        previous = torch.cat([self.alpha_bars.new_ones(1), self.alpha_bars[:-1]])
        return self.betas * (1 - previous) / (1 - self.alpha_bars)

    def to(self, device: torch.device | str) -> NoiseSchedule:
        """Copia del calendario en ``device``."""
        return NoiseSchedule(*(v.to(device) for v in (self.betas, self.alphas, self.alpha_bars)))


def make_schedule(
    n_steps: int = 100,
    kind: str = "linear",
    *,
    beta_start: float | None = None,
    beta_end: float | None = None,
) -> NoiseSchedule:
    """Crea un calendario de ``n_steps`` pasos, ``"linear"`` (Ho et al.) o ``"cosine"``.

    El lineal reparte las :math:`\\beta_t` de ``beta_start`` a ``beta_end``; por defecto, los
    valores de DDPM para T = 1000 (1e-4 y 0,02) reescalados por ``1000 / n_steps``, para que el
    ruido total sea parecido con menos pasos. El coseno hace que
    :math:`\\bar\\alpha_t` siga un cuarto de coseno (Nichol y Dhariwal, 2021).
    """
    check_positive_int(n_steps, "n_steps", maximum=MAX_SIZE)
    check_choice(kind, "kind", SCHEDULE_KINDS)
    if kind == "linear":
        scale = 1000 / n_steps
        start = _check_beta(beta_start, "beta_start", min(1e-4 * scale, 0.5))
        end = _check_beta(beta_end, "beta_end", min(0.02 * scale, 0.999))
        if end < start:
            raise ValueError(
                f"El argumento `beta_end` ({end}) debe ser mayor o igual que `beta_start` "
                f"({start})."
            )
        betas = torch.linspace(start, end, n_steps, dtype=torch.float64)
    else:
        if beta_start is not None or beta_end is not None:
            raise ValueError(
                "Los argumentos `beta_start` y `beta_end` solo valen con kind='linear'."
            )
        betas = _cosine_betas(n_steps)
    alphas = 1 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    return NoiseSchedule(betas.float(), alphas.float(), alpha_bars.float())


def _check_beta(value: float | None, name: str, default: float) -> float:
    return default if value is None else check_fraction(value, name)


def _cosine_betas(n_steps: int, offset: float = 0.008) -> Tensor:
    steps = torch.arange(n_steps + 1, dtype=torch.float64) / n_steps
    f = torch.cos((steps + offset) / (1 + offset) * math.pi / 2) ** 2
    alpha_bars = f / f[0]
    return (1 - alpha_bars[1:] / alpha_bars[:-1]).clamp(max=0.999)


def _check_schedule(schedule: object) -> NoiseSchedule:
    return check_instance(schedule, "schedule", NoiseSchedule, hint=" (créalo con `make_schedule`)")


def _check_timesteps(t: object, n: int, schedule: NoiseSchedule) -> Tensor:
    """Convierte ``t`` (entero o tensor (N,) de enteros) en un tensor ``int64`` de forma (n,)."""
    if isinstance(t, int) and not isinstance(t, bool):
        t = torch.full((n,), t, dtype=torch.long)
    check_tensor(t, "t", ndim=1, floating=False)
    if len(t) != n:
        raise ValueError(
            f"El argumento `t` debe tener un paso por ejemplo ({n}); se recibieron {len(t)}."
        )
    if len(t) and (t.min() < 0 or t.max() >= schedule.n_steps):
        raise ValueError(
            f"El argumento `t` debe estar entre 0 y {schedule.n_steps - 1} (T = "
            f"{schedule.n_steps} pasos); se recibió un valor fuera de ese rango."
        )
    return t.long()


def _gather(values: Tensor, t: Tensor, like: Tensor) -> Tensor:
    """``values[t]`` con forma (N, 1, …, 1) para multiplicar por ``like`` (N, …)."""
    out = values.to(like.device)[t.to(like.device)]
    return out.reshape(-1, *([1] * (like.ndim - 1))).to(like.dtype)


def _check_batch(x: object, name: str) -> Tensor:
    check_tensor(x, name, floating=True, finite=True)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(
            f"El argumento `{name}` debe ser un lote (N, …) con N ≥ 1 ejemplos; "
            f"se recibió forma {tuple(x.shape)}."
        )
    return x


# --------------------------------------------------------------------------- proceso directo
def q_mean_std(x0: Tensor, t: int | Tensor, schedule: NoiseSchedule) -> tuple[Tensor, Tensor]:
    """Media y desviación típica de q(x_t | x_0) = N(√ᾱ_t · x_0, (1 − ᾱ_t) I)."""
    schedule = _check_schedule(schedule)
    x0 = _check_batch(x0, "x0")
    t = _check_timesteps(t, len(x0), schedule)
    a_bar = _gather(schedule.alpha_bars, t, x0)
    return a_bar.sqrt() * x0, (1 - a_bar).sqrt().expand_as(x0)


def q_sample(
    x0: Tensor,
    t: int | Tensor,
    schedule: NoiseSchedule,
    noise: Tensor | None = None,
    *,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Salta directamente de x_0 a x_t con la forma cerrada: x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.

    Devuelve ``(x_t, ε)``. Si no se da ``noise``, se sortea con ``generator``.
    """
    mean, std = q_mean_std(x0, t, schedule)
    if noise is None:
        noise = _randn_like(x0, generator)
    else:
        check_tensor(noise, "noise", floating=True)
        if noise.shape != x0.shape:
            raise ValueError(
                f"El argumento `noise` debe tener la forma de `x0` {tuple(x0.shape)}; "
                f"se recibió {tuple(noise.shape)}."
            )
    return mean + std * noise, noise


def q_step(
    x_prev: Tensor,
    t: int | Tensor,
    schedule: NoiseSchedule,
    *,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Un paso del proceso directo: x_t = √(1 − β_t) x_{t−1} + √β_t ε (con ``t`` desde 0)."""
    schedule = _check_schedule(schedule)
    x_prev = _check_batch(x_prev, "x_prev")
    t = _check_timesteps(t, len(x_prev), schedule)
    beta = _gather(schedule.betas, t, x_prev)
    return (1 - beta).sqrt() * x_prev + beta.sqrt() * _randn_like(x_prev, generator)


def _randn_like(x: Tensor, generator: torch.Generator | None) -> Tensor:
    """Ruido gaussiano con la forma de ``x``, sorteado en la CPU (reproducible en cualquier
    dispositivo) y llevado al dispositivo de ``x``."""
    noise = torch.randn(x.shape, generator=generator, dtype=torch.float32)
    return noise.to(device=x.device, dtype=x.dtype)
