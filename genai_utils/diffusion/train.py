"""La pérdida de la difusión y el bucle que entrena un desruidor con ella.

La pérdida es el error cuadrático entre el ruido añadido y el que predice la red en un paso
elegido al azar.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.diffusion.schedules import (
    NoiseSchedule,
    _check_batch,
    _check_schedule,
    _gather,
    _randn_like,
)
from genai_utils.history import History
from genai_utils.runtime import get_device
from genai_utils.schedules import warmup_then_cosine
from genai_utils.trainer import Trainer
from genai_utils.validation import (
    check_fraction,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_labels, check_model


# --------------------------------------------------------------------------- pérdida
def diffusion_loss(
    model: nn.Module, x0: Tensor, schedule: NoiseSchedule, labels: Tensor | None = None, *,
    p_uncond: float = 0.0, generator: torch.Generator | None = None,
) -> Tensor:
    """Pérdida simplificada de Ho et al.: E‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖².

    Sortea un paso ``t`` uniforme y un ruido ε por ejemplo. Con ``labels`` y ``p_uncond > 0``
    cambia cada etiqueta por la nula con probabilidad ``p_uncond``: así la misma red aprende la
    predicción condicional y la incondicional que necesita la guía sin clasificador.
    """
    schedule = _check_schedule(schedule)
    x0 = _check_batch(x0, "x0")
    check_fraction(p_uncond, "p_uncond", open_interval=False)
    if labels is not None:
        labels = _check_labels(labels, len(x0), model)
    return _loss(model, x0, schedule, labels, p_uncond, generator)


def _loss(
    model: nn.Module, x0: Tensor, schedule: NoiseSchedule, labels: Tensor | None,
    p_uncond: float, generator: torch.Generator | None,
) -> Tensor:
    """:func:`diffusion_loss` sin comprobar los argumentos (el bucle ya los comprobó)."""
    t = torch.randint(schedule.n_steps, (len(x0),), generator=generator).to(x0.device)
    a_bar = _gather(schedule.alpha_bars, t, x0)
    noise = _randn_like(x0, generator)
    x_t = a_bar.sqrt() * x0 + (1 - a_bar).sqrt().expand_as(x0) * noise  # q_sample
    if labels is not None:
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
    model: nn.Module, x0: Tensor, schedule: NoiseSchedule, *, labels: Tensor | None = None,
    steps: int = 2000, batch_size: int = 512, lr: float = 2e-3, p_uncond: float = 0.1,
    ema_decay: float = 0.995, seed: int = 0, device: torch.device | str | None = None,
    desc: str = "Difusión", progress: bool = True, log_every: int = 50,
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
    x0, labels = check_fit_arguments(model, x0, labels, steps=steps, batch_size=batch_size, lr=lr,
                                     p_uncond=p_uncond, ema_decay=ema_decay, seed=seed,
                                     log_every=log_every)
    return fit_with_ema(
        model, x0, labels, lambda x, y, g: _loss(model, x, schedule, y, p_uncond, g),
        steps=steps, batch_size=batch_size, lr=lr, ema_decay=ema_decay, seed=seed,
        device=device, desc=desc, progress=progress, log_every=log_every,
    )


#: ``(x0 del lote, etiquetas o None, generador) → pérdida``: lo que cambia entre DDPM y flujo.
BatchLoss = Callable[[Tensor, Tensor | None, torch.Generator], Tensor]


def check_fit_arguments(
    model: nn.Module, x0: object, labels: object, *, steps: object, batch_size: object,
    lr: object, p_uncond: object, ema_decay: object, seed: object, log_every: object,
) -> tuple[Tensor, Tensor | None]:
    """Comprueba, una vez y antes de entrenar, los argumentos comunes de :func:`train_denoiser`
    y de :func:`~genai_utils.diffusion.train_flow`; devuelve ``x0`` y ``labels`` comprobados."""
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
    return x0, labels


def fit_with_ema(
    model: nn.Module, x0: Tensor, labels: Tensor | None, loss_fn: BatchLoss, *,
    steps: int, batch_size: int, lr: float, ema_decay: float, seed: int,
    device: torch.device | str | None, desc: str, progress: bool, log_every: int,
) -> History:
    """El bucle común de la difusión y del flujo, sobre :class:`~genai_utils.trainer.Trainer`.

    Minilotes al azar de ``x0`` (y ``labels``), Adam con la tasa en coseno hasta 0 y, al final,
    los pesos de la media móvil exponencial. Los argumentos ya vienen comprobados.
    """
    device = torch.device(device) if device is not None else get_device()
    model.to(device).train()
    data = x0.to(device)
    targets = None if labels is None else labels.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    ema = [p.detach().clone() for p in model.parameters()]
    generator = torch.Generator().manual_seed(seed)

    def next_batch() -> tuple[Tensor, Tensor | None]:
        idx = torch.randint(len(data), (batch_size,), generator=generator).to(device)
        return data[idx], None if targets is None else targets[idx]

    def step(batch: tuple[Tensor, Tensor | None]) -> dict[str, Tensor]:
        x, y = batch
        return {"loss": loss_fn(x, y, generator)}

    @torch.no_grad()
    def update_ema(trainer: Trainer) -> None:
        for avg, p in zip(ema, model.parameters(), strict=True):
            avg.lerp_(p.detach(), 1 - ema_decay)

    # Coseno de ``lr`` a 0, sin calentamiento.
    trainer = Trainer(step, optimizer=optimizer, schedule=partial(warmup_then_cosine, lr=lr),
                      log_every=log_every, desc=desc, progress=progress)
    history = trainer.add_callback("on_step_end", update_ema).run(next_batch, steps=steps)
    with torch.no_grad():
        for avg, p in zip(ema, model.parameters(), strict=True):
            p.copy_(avg)
    model.eval()
    return history
