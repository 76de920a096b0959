"""Emparejamiento de flujos (*flow matching*) con el camino recto del flujo rectificado.

Convenio del libro: el tiempo continuo ``t`` va de 0 (datos) a 1 (ruido), como los pasos de la
difusión, y el camino entre un dato x_0 y un ruido ε es la recta

    x_t = (1 − t) · x_0 + t · ε,      con velocidad  dx_t/dt = ε − x_0.

La red aprende esa velocidad con un error cuadrático (:func:`flow_loss`) y se genera integrando
la ecuación diferencial hacia atrás, de t = 1 a t = 0, con pasos de Euler (:func:`flow_sample`).
Las redes son las mismas de la difusión (:class:`ToyDenoiser`, :class:`DigitDenoiser`): reciben
el tiempo como un «paso» ``t · model.n_steps``, en la misma escala que vieron al predecir ruido.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.data import load_digits
from genai_utils.diffusion.networks import DigitDenoiser
from genai_utils.diffusion.sampling import guided_noise
from genai_utils.diffusion.schedules import _check_batch, _randn_like
from genai_utils.diffusion.train import _check_labels, check_fit_arguments, fit_with_ema
from genai_utils.history import History
from genai_utils.recipes import get_recipe
from genai_utils.training import limit_threads
from genai_utils.validation import (
    MAX_SIZE,
    check_fraction,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_model, check_tensor

__all__ = ["flow_interpolate", "flow_loss", "flow_sample", "train_digit_flow", "train_flow"]


def _time_input(model: nn.Module, t: Tensor) -> Tensor:
    """El tiempo t ∈ [0, 1] en la escala de pasos de la red (0 a ``n_steps``), si la tiene."""
    return t * getattr(model, "n_steps", 1)


def flow_interpolate(x0: Tensor, noise: Tensor, t: Tensor | float) -> Tensor:
    """El punto x_t = (1 − t) x_0 + t ε del camino recto; ``t`` escalar o (N,) en [0, 1]."""
    x0 = _check_batch(x0, "x0")
    check_tensor(noise, "noise", floating=True, finite=True)
    if noise.shape != x0.shape:
        raise ValueError(f"El argumento `noise` debe tener la forma de `x0`, {tuple(x0.shape)}; "
                         f"se recibió {tuple(noise.shape)}.")
    t = torch.as_tensor(t, dtype=x0.dtype, device=x0.device)
    if t.ndim > 1 or (t.ndim == 1 and len(t) != len(x0)):
        raise ValueError(f"El argumento `t` debe ser un número o un tensor ({len(x0)},); "
                         f"se recibió forma {tuple(t.shape)}.")
    if not bool(((t >= 0) & (t <= 1)).all()):
        raise ValueError("El argumento `t` debe estar entre 0 (datos) y 1 (ruido).")
    return _interpolate(x0, noise, t)


def _interpolate(x0: Tensor, noise: Tensor, t: Tensor) -> Tensor:
    t = t.reshape(-1, *[1] * (x0.ndim - 1)) if t.ndim == 1 else t
    return (1 - t) * x0 + t * noise


def flow_loss(
    model: nn.Module, x0: Tensor, labels: Tensor | None = None, *, p_uncond: float = 0.0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Pérdida del flujo rectificado: E‖(ε − x_0) − v_θ(x_t, t)‖², con t ~ U(0, 1).

    Con ``labels`` y ``p_uncond > 0`` cambia cada etiqueta por la nula con esa probabilidad, como
    :func:`~genai_utils.diffusion.diffusion_loss`, para poder usar la guía sin clasificador.
    """
    check_model(model)
    x0 = _check_batch(x0, "x0")
    check_fraction(p_uncond, "p_uncond", open_interval=False)
    if labels is not None:
        labels = _check_labels(labels, len(x0), model)
    return _loss(model, x0, labels, p_uncond, generator)


def _loss(model: nn.Module, x0: Tensor, labels: Tensor | None, p_uncond: float,
          generator: torch.Generator | None) -> Tensor:
    t = torch.rand(len(x0), generator=generator).to(x0.device)
    noise = _randn_like(x0, generator)
    x_t = _interpolate(x0, noise, t)
    if labels is not None:
        drop = torch.rand(len(x0), generator=generator).to(x0.device) < p_uncond
        labels = torch.where(drop, torch.full_like(labels, model.num_classes), labels)
    return F.mse_loss(model(x_t, _time_input(model, t), labels), noise - x0)


def train_flow(
    model: nn.Module, x0: Tensor, *, labels: Tensor | None = None, steps: int = 2000,
    batch_size: int = 512, lr: float = 2e-3, p_uncond: float = 0.1, ema_decay: float = 0.995,
    seed: int = 0, device: torch.device | str | None = None, desc: str = "Flujo",
    progress: bool = True, log_every: int = 50,
) -> History:
    """Entrena ``model`` con :func:`flow_loss`: el mismo bucle que :func:`train_denoiser`.

    Adam con la tasa en coseno hasta 0, minilotes al azar y pesos finales de la media móvil
    exponencial (EMA), sobre el :class:`~genai_utils.trainer.Trainer` del libro.
    """
    check_model(model)
    x0, labels = check_fit_arguments(model, x0, labels, steps=steps, batch_size=batch_size, lr=lr,
                                     p_uncond=p_uncond, ema_decay=ema_decay, seed=seed,
                                     log_every=log_every)
    return fit_with_ema(
        model, x0, labels, lambda x, y, g: _loss(model, x, y, p_uncond, g),
        steps=steps, batch_size=batch_size, lr=lr, ema_decay=ema_decay, seed=seed,
        device=device, desc=desc, progress=progress, log_every=log_every,
    )


@torch.no_grad()
def flow_sample(
    model: nn.Module, shape: tuple[int, ...], *, n_steps: int = 50,
    labels: Tensor | None = None, guidance: float = 1.0, clip: float | None = None,
    generator: torch.Generator | None = None, return_trajectory: bool = False,
    device: torch.device | str | None = None,
) -> Tensor | tuple[Tensor, Tensor]:
    """Euler de t = 1 (ruido) a t = 0 en ``n_steps`` pasos iguales: x_{t−h} = x_t − h v_θ(x_t, t).

    ``guidance`` combina las velocidades con y sin etiqueta como la guía sin clasificador. Con
    ``clip``, el dato estimado x̂_0 = x_t − t v se recorta a [−clip, clip] y el paso se da hacia
    él, como hace DDIM. Con ``return_trajectory`` devuelve también los ``n_steps + 1`` estados.
    """
    check_model(model)
    if not isinstance(shape, tuple) or not shape or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape
    ) or math.prod(shape) > MAX_SIZE:
        raise ValueError("El argumento `shape` debe ser una tupla de enteros positivos (N, …) "
                         f"con menos de {MAX_SIZE} valores; se recibió {shape!r}.")
    check_positive_int(n_steps, "n_steps")
    check_non_negative_float(guidance, "guidance")
    if clip is not None:
        check_positive_float(clip, "clip")
    labels = None if labels is None else _check_labels(labels, shape[0], model)
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    x = torch.randn(shape, generator=generator).to(device)
    times = torch.linspace(1.0, 0.0, n_steps + 1)
    trajectory = [x.cpu()] if return_trajectory else None
    was_training = model.training
    model.eval()
    try:
        for t, s in zip(times[:-1].tolist(), times[1:].tolist(), strict=True):
            tt = torch.full((shape[0],), t, device=x.device)
            v = guided_noise(model, x, _time_input(model, tt), labels, guidance)
            if clip is None:
                x = x - (t - s) * v
            else:  # hacia el x̂_0 recortado, con el ruido ε̂ coherente con él
                x0_hat = (x - t * v).clamp(-clip, clip)
                eps_hat = (x - (1 - t) * x0_hat) / t
                x = (1 - s) * x0_hat + s * eps_hat
            if trajectory is not None:
                trajectory.append(x.cpu())
    finally:
        model.train(was_training)
    return (x, torch.stack(trajectory)) if trajectory is not None else x


def train_digit_flow(
    *, steps: int | None = None, seed: int = 0, device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[DigitDenoiser, History]:
    """Entrena la red condicional de los dígitos con la receta ``flujo_digitos`` (cuaderno 4.3).

    La misma red, el mismo lote, la misma tasa y los mismos pasos que ``difusion_digitos``;
    solo cambia lo que aprende: la velocidad del camino recto en lugar del ruido.
    """
    recipe = get_recipe("flujo_digitos")
    train = recipe.training
    steps = train["steps"] if steps is None else steps
    check_positive_int(steps, "steps")
    check_non_negative_int(seed, "seed")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DigitDenoiser(recipe.model["time_steps"], width=recipe.model["hidden"],
                              depth=recipe.model["blocks"])
    split = load_digits()
    with limit_threads(1):  # con una red tan pequeña, un hilo es lo más rápido
        history = train_flow(
            model, split.x_train * 2 - 1, labels=split.y_train, steps=steps,
            batch_size=train["batch_size"], lr=train["lr"], p_uncond=train["p_uncond"],
            ema_decay=train["ema_decay"], seed=seed, device=device,
            desc="Flujo (dígitos)", progress=progress,
        )
    return model, history
