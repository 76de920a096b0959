"""Modelos de difusión: calendarios de ruido, proceso directo, redes que predicen el ruido y
muestreadores DDPM y DDIM con guía sin clasificador.

Convenio de índices: el libro numera los pasos de ruido de 1 a T, como los artículos; en el código
el paso ``t`` va de ``0`` a ``T - 1`` (``t = 0`` es el paso 1 de las fórmulas). Así,
``schedule.alpha_bars[t]`` es :math:`\\bar\\alpha_{t+1} = \\prod_{s \\le t} (1 - \\beta_s)`.

Todas las redes tienen la misma firma, ``model(x, t, labels=None)``, y devuelven el ruido
:math:`\\varepsilon` que predicen, con la forma de ``x``. ``labels=None`` (o la etiqueta «nula»,
``num_classes``) pide la predicción sin condición, la que usa la guía sin clasificador.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from genai_utils.data import IMAGE_SIZE, N_CLASSES, load_digits
from genai_utils.recipes import get_recipe
from genai_utils.schedules import warmup_then_cosine
from genai_utils.training import History, get_device, limit_threads
from genai_utils.validation import (
    MAX_SIZE,
    check_choice,
    check_fraction,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_labels, check_model, check_tensor

__all__ = [
    "DigitDenoiser",
    "NoiseSchedule",
    "SCHEDULE_KINDS",
    "ToyDenoiser",
    "ddim_sample",
    "ddpm_sample",
    "diffusion_loss",
    "guided_noise",
    "make_schedule",
    "q_mean_std",
    "q_sample",
    "q_step",
    "sinusoidal_embedding",
    "timestep_sequence",
    "digit_sampler",
    "to_image_space",
    "to_model_space",
    "train_denoiser",
    "train_digit_denoiser",
    "train_digit_generator",
]

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
    if not isinstance(schedule, NoiseSchedule):
        raise TypeError(
            "El argumento `schedule` debe ser un `NoiseSchedule` (créalo con `make_schedule`); "
            f"se recibió {type(schedule).__name__}."
        )
    return schedule


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


# --------------------------------------------------------------------------- redes
def sinusoidal_embedding(t: Tensor, dim: int, max_period: float = 1000.0) -> Tensor:
    """Codificación sinusoidal (N, dim) de los pasos ``t`` (N,), como la de los *transformers*."""
    check_tensor(t, "t", ndim=1, finite=True, non_empty=True)
    if bool((t < 0).any()):
        raise ValueError("El argumento `t` debe contener pasos mayores o iguales que 0.")
    check_positive_int(dim, "dim")
    if dim % 2:
        raise ValueError(f"El argumento `dim` debe ser par; se recibió {dim}.")
    check_positive_float(max_period, "max_period")
    return _sinusoidal(t, dim, max_period)


def _sinusoidal(t: Tensor, dim: int, max_period: float = 1000.0) -> Tensor:
    # Sin comprobaciones: la red la llama en cada paso de entrenamiento y de muestreo.
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class _ResidualBlock(nn.Module):
    """h + MLP(h + emb): un bloque residual que recibe el paso (y la clase) sumados."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))

    def forward(self, h: Tensor, emb: Tensor) -> Tensor:
        return h + self.net(F.silu(h + emb))


class _Denoiser(nn.Module):
    """Red común: entrada → bloques residuales condicionados por (t, clase) → ruido."""

    def __init__(
        self, dim: int, width: int, depth: int, n_steps: int, num_classes: int, emb_dim: int
    ) -> None:
        super().__init__()
        check_positive_int(width, "width")
        check_positive_int(depth, "depth")
        check_positive_int(n_steps, "n_steps")
        check_non_negative_int(num_classes, "num_classes")
        self.dim, self.n_steps, self.num_classes, self.emb_dim = dim, n_steps, num_classes, emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, width), nn.SiLU(), nn.Linear(width, width))
        # Una fila más para la etiqueta «nula» (índice num_classes): la predicción sin condición.
        self.class_emb = nn.Embedding(num_classes + 1, width) if num_classes else None
        self.inp = nn.Linear(dim, width)
        self.blocks = nn.ModuleList(_ResidualBlock(width) for _ in range(depth))
        self.out = nn.Sequential(nn.SiLU(), nn.Linear(width, dim))

    def forward(self, x: Tensor, t: Tensor, labels: Tensor | None = None) -> Tensor:
        """Predice el ruido ε de ``x`` (N, …) en los pasos ``t`` (N,), con ``labels`` (N,)."""
        check_tensor(x, "x", floating=True)
        shape = x.shape
        flat = x.reshape(len(x), -1)
        if flat.shape[1] != self.dim:
            raise ValueError(
                f"El argumento `x` debe tener {self.dim} valores por ejemplo; "
                f"se recibió forma {tuple(shape)}."
            )
        t = t.to(x.device)
        steps = t.float() * (1000.0 / self.n_steps)  # misma escala de frecuencias para cualquier T
        emb = self.time_mlp(_sinusoidal(steps, self.emb_dim))
        if self.class_emb is not None:
            if labels is None:
                labels = torch.full((len(x),), self.num_classes, dtype=torch.long, device=x.device)
            emb = emb + self.class_emb(labels.to(x.device))
        elif labels is not None:
            raise ValueError("Esta red no es condicional (num_classes=0): pasa `labels=None`.")
        h = self.inp(flat)
        for block in self.blocks:
            h = block(h, emb)
        return self.out(h).reshape(shape)


class ToyDenoiser(_Denoiser):
    """Red que predice el ruido de puntos en 2-D: un perceptrón residual de ``depth`` bloques."""

    def __init__(
        self, n_steps: int, *, width: int = 64, depth: int = 3, num_classes: int = 0
    ) -> None:
        super().__init__(2, width, depth, n_steps, num_classes, emb_dim=32)


class DigitDenoiser(_Denoiser):
    """Red que predice el ruido de dígitos (N, 1, 8, 8): un perceptrón residual sobre los 64
    píxeles, condicionado por el paso y, si ``num_classes > 0``, por el dígito."""

    def __init__(
        self, n_steps: int, *, width: int = 128, depth: int = 2, num_classes: int = N_CLASSES
    ) -> None:
        super().__init__(_PIXELS, width, depth, n_steps, num_classes, emb_dim=64)


# --------------------------------------------------------------------------- pérdida
def diffusion_loss(
    model: nn.Module,
    x0: Tensor,
    schedule: NoiseSchedule,
    labels: Tensor | None = None,
    *,
    p_uncond: float = 0.0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Pérdida simplificada de Ho et al.: E‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖².

    Sortea un paso ``t`` uniforme y un ruido ε por ejemplo. Con ``labels`` y ``p_uncond > 0``
    cambia cada etiqueta por la nula con probabilidad ``p_uncond``: así la misma red aprende la
    predicción condicional y la incondicional que necesita la guía sin clasificador.
    """
    schedule = _check_schedule(schedule)
    x0 = _check_batch(x0, "x0")
    check_fraction(p_uncond, "p_uncond", open_interval=False)
    t = torch.randint(schedule.n_steps, (len(x0),), generator=generator).to(x0.device)
    x_t, noise = q_sample(x0, t, schedule, generator=generator)
    if labels is not None:
        labels = _check_labels(labels, len(x0), model)
        drop = torch.rand(len(x0), generator=generator).to(x0.device) < p_uncond
        labels = torch.where(drop, torch.full_like(labels, model.num_classes), labels)
    return F.mse_loss(model(x_t, t, labels), noise)


def _check_labels(labels: object, n: int, model: nn.Module) -> Tensor:
    num_classes = getattr(model, "num_classes", 0)
    if not num_classes:
        raise ValueError("El modelo no es condicional: no admite `labels` (usa `labels=None`).")
    return check_labels(labels, "labels", n=n, n_classes=num_classes, rows_of="x")


# --------------------------------------------------------------------------- entrenamiento
def train_denoiser(
    model: nn.Module,
    x0: Tensor,
    schedule: NoiseSchedule,
    *,
    labels: Tensor | None = None,
    steps: int = 2000,
    batch_size: int = 512,
    lr: float = 2e-3,
    p_uncond: float = 0.1,
    ema_decay: float = 0.995,
    seed: int = 0,
    device: torch.device | str | None = None,
    desc: str = "Difusión",
    progress: bool = True,
    log_every: int = 50,
) -> History:
    """Entrena ``model`` con :func:`diffusion_loss` durante ``steps`` pasos de Adam.

    Cada paso toma un minilote al azar de ``x0`` (y ``labels``), con una tasa de aprendizaje
    que decae como un coseno hasta 0. Al terminar, los pesos del modelo pasan a ser la media
    móvil exponencial (EMA, *exponential moving average*) de los pesos de cada paso, con factor
    ``ema_decay``: promediar suaviza el ruido de los últimos pasos y mejora las muestras. El
    historial guarda la pérdida media de cada tramo de ``log_every`` pasos.
    """
    check_model(model)
    schedule = _check_schedule(schedule)
    x0 = _check_batch(x0, "x0")
    if labels is not None:
        labels = _check_labels(labels, len(x0), model)
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(lr, "lr")
    check_fraction(p_uncond, "p_uncond", open_interval=False)
    check_fraction(ema_decay, "ema_decay", open_interval=False)
    check_non_negative_int(seed, "seed")
    check_positive_int(log_every, "log_every")
    device = torch.device(device) if device is not None else get_device()
    model.to(device).train()
    data = x0.to(device)
    targets = None if labels is None else labels.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    ema = [p.detach().clone() for p in model.parameters()]
    generator = torch.Generator().manual_seed(seed)
    history, running, start = History(), 0.0, time.perf_counter()
    bar = tqdm(range(steps), desc=desc, disable=not progress)
    with torch.enable_grad():
        for step in bar:
            for group in optimizer.param_groups:  # coseno de lr a 0, sin calentamiento
                group["lr"] = warmup_then_cosine(step, step / steps, lr)
            idx = torch.randint(len(data), (batch_size,), generator=generator).to(device)
            yb = None if targets is None else targets[idx]
            loss = diffusion_loss(model, data[idx], schedule, yb, p_uncond=p_uncond,
                                  generator=generator)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                for avg, p in zip(ema, model.parameters(), strict=True):
                    avg.lerp_(p.detach(), 1 - ema_decay)
            running += loss.item()
            if (step + 1) % log_every == 0 or step + 1 == steps:
                history.losses.append(running / ((step % log_every) + 1))
                running = 0.0
                bar.set_postfix({"pérdida": f"{history.losses[-1]:.4f}"})
    bar.close()
    with torch.no_grad():
        for avg, p in zip(ema, model.parameters(), strict=True):
            p.copy_(avg)
    model.eval()
    history.seconds = time.perf_counter() - start
    return history


# --------------------------------------------------------------------------- muestreo
@torch.no_grad()
def guided_noise(
    model: nn.Module,
    x: Tensor,
    t: Tensor,
    labels: Tensor | None = None,
    guidance: float = 1.0,
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
    model: nn.Module, shape: tuple[int, ...], labels: Tensor | None, device: object
) -> tuple[torch.device, Tensor | None]:
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
    return torch.device(device), labels


@torch.no_grad()
def ddpm_sample(
    model: nn.Module,
    schedule: NoiseSchedule,
    shape: tuple[int, ...],
    *,
    labels: Tensor | None = None,
    guidance: float = 1.0,
    clip: float | None = None,
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
    device: torch.device | str | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """Muestreo ancestral de DDPM: parte de ruido puro x_T ~ N(0, I) y recorre los T pasos.

    En cada paso estima x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t (recortado a [−clip, clip] si se
    indica), toma la media de q(x_{t−1} | x_t, x̂_0) y suma ruido de varianza β̃_t (salvo en el
    último paso). Con ``return_trajectory=True`` devuelve también los T + 1 estados (T+1, …),
    en la CPU, del ruido puro a la muestra.
    """
    schedule = _check_schedule(schedule)
    device, labels = _prepare_sampling(model, shape, labels, device)
    if clip is not None:
        check_positive_float(clip, "clip")
    sched = schedule.to(device)
    prev_bars = torch.cat([sched.alpha_bars.new_ones(1), sched.alpha_bars[:-1]])
    was_training = model.training
    model.eval()
    x = torch.randn(shape, generator=generator).to(device)
    trajectory = [x.cpu()] if return_trajectory else None
    for step in range(schedule.n_steps - 1, -1, -1):
        t = torch.full((shape[0],), step, dtype=torch.long, device=device)
        eps = guided_noise(model, x, t, labels, guidance)
        a_bar, a_bar_prev = sched.alpha_bars[step], prev_bars[step]
        x0_hat = _predict_x0(x, eps, a_bar, clip)
        mean = (a_bar_prev.sqrt() * sched.betas[step] / (1 - a_bar)) * x0_hat + (
            sched.alphas[step].sqrt() * (1 - a_bar_prev) / (1 - a_bar)
        ) * x
        if step > 0:
            noise = torch.randn(shape, generator=generator).to(device)
            x = mean + sched.posterior_variances[step].sqrt() * noise
        else:
            x = mean
        if trajectory is not None:
            trajectory.append(x.cpu())
    model.train(was_training)
    return (x, torch.stack(trajectory)) if trajectory is not None else x


def _predict_x0(x: Tensor, eps: Tensor, a_bar: Tensor, clip: float | None) -> Tensor:
    x0 = (x - (1 - a_bar).sqrt() * eps) / a_bar.sqrt()
    return x0 if clip is None else x0.clamp(-clip, clip)


@torch.no_grad()
def ddim_sample(
    model: nn.Module,
    schedule: NoiseSchedule,
    shape: tuple[int, ...],
    *,
    n_steps: int | None = None,
    eta: float = 0.0,
    labels: Tensor | None = None,
    guidance: float = 1.0,
    clip: float | None = None,
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
    device: torch.device | str | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """Muestreo DDIM con ``n_steps`` pasos (por defecto, los T del calendario).

    Entre dos pasos τ_i > τ_{i−1}: x_{τ_{i−1}} = √ᾱ_{i−1} x̂_0 + √(1 − ᾱ_{i−1} − σ²) ε̂ + σ z,
    con σ = η √((1 − ᾱ_{i−1}) / (1 − ᾱ_i)) √(1 − ᾱ_i / ᾱ_{i−1}). Con ``eta=0`` es determinista
    (solo sortea x_T); con ``eta=1`` es el muestreo ancestral de DDPM sobre esos pasos, y con los
    T pasos coincide con :func:`ddpm_sample`.
    """
    schedule = _check_schedule(schedule)
    device, labels = _prepare_sampling(model, shape, labels, device)
    if clip is not None:
        check_positive_float(clip, "clip")
    check_non_negative_float(eta, "eta")
    steps = timestep_sequence(schedule.n_steps if n_steps is None else n_steps, schedule)
    a_bars = schedule.alpha_bars.to(device)
    was_training = model.training
    model.eval()
    x = torch.randn(shape, generator=generator).to(device)
    trajectory = [x.cpu()] if return_trajectory else None
    for i, step in enumerate(steps.tolist()):
        t = torch.full((shape[0],), step, dtype=torch.long, device=device)
        eps = guided_noise(model, x, t, labels, guidance)
        a_bar = a_bars[step]
        a_prev = a_bars[steps[i + 1]] if i + 1 < len(steps) else a_bars.new_tensor(1.0)
        x0_hat = _predict_x0(x, eps, a_bar, clip)
        if clip is not None:  # ε coherente con el x̂_0 recortado
            eps = (x - a_bar.sqrt() * x0_hat) / (1 - a_bar).sqrt()
        sigma = eta * ((1 - a_prev) / (1 - a_bar) * (1 - a_bar / a_prev)).clamp(min=0).sqrt()
        x = a_prev.sqrt() * x0_hat + (1 - a_prev - sigma**2).clamp(min=0).sqrt() * eps
        if i + 1 < len(steps) and eta > 0:
            x = x + sigma * torch.randn(shape, generator=generator).to(device)
        if trajectory is not None:
            trajectory.append(x.cpu())
    model.train(was_training)
    return (x, torch.stack(trajectory)) if trajectory is not None else x


# --------------------------------------------------------------------------- dígitos
# Pasos del calendario de los dígitos: sale de la receta ``difusion_digitos`` (un alias).
DIGIT_STEPS: int = get_recipe("difusion_digitos").model["schedule_steps"]


def to_model_space(images: Tensor) -> Tensor:
    """Imágenes en [0, 1] → [−1, 1], la escala en la que trabaja la difusión."""
    check_tensor(images, "images", floating=True)
    return images * 2 - 1


def to_image_space(x: Tensor) -> Tensor:
    """Muestras en [−1, 1] → imágenes recortadas a [0, 1]."""
    check_tensor(x, "x", floating=True)
    return ((x + 1) / 2).clamp(0, 1)


def train_digit_denoiser(
    *,
    steps: int | None = None,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[DigitDenoiser, NoiseSchedule, History]:
    """Entrena la red condicional de los dígitos con la receta ``difusion_digitos`` (cuaderno 4.2).

    De la receta (:mod:`genai_utils.recipes`) salen el calendario (coseno de 200 pasos), la red
    (:class:`DigitDenoiser` de 128 unidades y 2 bloques), los pasos de Adam (``steps`` los
    cambia), la tasa, el lote, el factor de la EMA y la fracción de etiquetas nulas para la guía
    sin clasificador. Devuelve ``(modelo, calendario, historial)``.
    """
    recipe = get_recipe("difusion_digitos")
    train = recipe.training
    steps = train["steps"] if steps is None else steps
    check_positive_int(steps, "steps")
    check_non_negative_int(seed, "seed")
    n_steps = recipe.model["schedule_steps"]
    schedule = make_schedule(n_steps, recipe.model["schedule"])
    split = load_digits()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DigitDenoiser(n_steps, width=recipe.model["hidden"], depth=recipe.model["blocks"])
    with limit_threads(1):  # con una red tan pequeña, un hilo es lo más rápido
        history = train_denoiser(
            model, to_model_space(split.x_train), schedule, labels=split.y_train, steps=steps,
            batch_size=train["batch_size"], lr=train["lr"], p_uncond=train["p_uncond"],
            ema_decay=train["ema_decay"], seed=seed, device=device,
            desc="Difusión (dígitos)", progress=progress,
        )
    return model, schedule, history


def digit_sampler(
    model: nn.Module,
    schedule: NoiseSchedule,
    *,
    n_steps: int | None = None,
    guidance: float | None = None,
    eta: float = 0.0,
    seed: int = 0,
) -> Callable[[Tensor], Tensor]:
    """Convierte una red de dígitos en ``generate(labels) -> imágenes (N, 1, 8, 8)`` en [0, 1].

    Muestrea con DDIM de ``n_steps`` pasos (``eta=1`` para el muestreo ancestral de DDPM) y
    guía ``guidance``; si no se dan, salen de la receta ``difusion_digitos`` (50 pasos, guía 2).
    Cada llamada usa un generador con la semilla ``seed``, así que la misma lista de etiquetas
    da siempre las mismas imágenes.
    """
    train = get_recipe("difusion_digitos").training
    n_steps = train["sample_steps"] if n_steps is None else n_steps
    guidance = train["guidance"] if guidance is None else guidance
    check_positive_int(n_steps, "n_steps")
    check_non_negative_float(guidance, "guidance")
    check_non_negative_float(eta, "eta")
    check_non_negative_int(seed, "seed")

    def generate(labels: Tensor) -> Tensor:
        check_tensor(labels, "labels", ndim=1, floating=False)
        generator = torch.Generator().manual_seed(seed)
        with limit_threads(1):
            x = ddim_sample(model, schedule, (len(labels), 1, IMAGE_SIZE, IMAGE_SIZE),
                            n_steps=n_steps, eta=eta, labels=labels, guidance=guidance,
                            clip=1.0, generator=generator)
        return to_image_space(x).cpu()

    return generate


def train_digit_generator(
    *,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
    steps: int | None = None,
) -> Callable[[Tensor], Tensor]:
    """Entrena el modelo de difusión de los dígitos y devuelve ``generate(labels)``.

    Es el protocolo común de los capítulos 2 a 4: ``generate`` recibe etiquetas ``int64`` (N,)
    y devuelve imágenes (N, 1, 8, 8) en [0, 1], muestreadas con DDIM y la guía de la receta
    ``difusion_digitos`` (50 pasos, guía 2); con la misma ``seed`` el resultado es idéntico.
    """
    model, schedule, _ = train_digit_denoiser(steps=steps, seed=seed, device=device,
                                              progress=progress)
    return digit_sampler(model, schedule, seed=seed)
