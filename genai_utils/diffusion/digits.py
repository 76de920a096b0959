"""La difusión de los dígitos de 8×8: entrenamiento con la receta ``difusion_digitos`` y la
interfaz común con la que el capítulo 4 compara los modelos de imágenes.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from genai_utils.data import IMAGE_SIZE, load_digits
from genai_utils.diffusion.networks import DigitDenoiser
from genai_utils.diffusion.sampling import ddim_sample
from genai_utils.diffusion.schedules import (
    NoiseSchedule,
    make_schedule,
)
from genai_utils.diffusion.train import train_denoiser
from genai_utils.history import History
from genai_utils.recipes import get_recipe
from genai_utils.training import limit_threads
from genai_utils.validation import (
    check_non_negative_float,
    check_non_negative_int,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor

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
