"""La GAN condicional de los dígitos del cuaderno 2.2, con la interfaz común con la que el
capítulo 4 compara los modelos de imágenes.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from genai_utils.gan.config import (
    DIGIT_BATCH_SIZE,
    DIGIT_BETAS,
    DIGIT_LR,
    DIGIT_STEPS,
)
from genai_utils.gan.networks import (
    Generator,
    digit_discriminator,
    digit_generator,
)
from genai_utils.gan.train import (
    train_gan,
)
from genai_utils.history import History
from genai_utils.training import get_device, limit_threads
from genai_utils.validation import (
    check_non_negative_int,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor


# ---------------------------------------------------------------- la GAN de los dígitos
def train_digit_gan(
    *,
    seed: int = 0,
    steps: int = DIGIT_STEPS,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[Generator, History]:
    """Entrena la GAN condicional de los dígitos con la receta del cuaderno 2.2.

    Generador y discriminador de :func:`digit_generator` y :func:`digit_discriminator`, pérdida
    no saturante, Adam y minilotes de dígitos de entrenamiento con la tasa, las β y el tamaño de
    lote de la receta ``gan_digitos`` (:mod:`genai_utils.recipes`). Devuelve el generador (en
    modo evaluación) y el historial. No toca el estado aleatorio global.
    """
    from genai_utils.data import load_digits

    check_non_negative_int(seed, "seed")
    check_positive_int(steps, "steps")
    device = torch.device(device) if device is not None else get_device()
    split = load_digits()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = digit_generator()
        discriminator = digit_discriminator()
    with limit_threads(1):  # un hilo es más rápido con redes tan pequeñas
        history = train_gan(generator, discriminator, split.x_train, labels=split.y_train,
                            steps=steps, batch_size=DIGIT_BATCH_SIZE, lr=DIGIT_LR,
                            betas=DIGIT_BETAS, seed=seed, device=device,
                            desc="GAN de dígitos", progress=progress)
    return generator.requires_grad_(False), history


def train_digit_generator(
    *,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
    steps: int = DIGIT_STEPS,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Entrena la GAN condicional de los dígitos (:func:`train_digit_gan`) y devuelve ``generate``.

    ``generate(labels)`` recibe etiquetas ``int64`` (N,) entre 0 y 9 y devuelve imágenes
    (N, 1, 8, 8) en [0, 1]. El ruido de cada llamada se sortea con un generador sembrado con
    ``seed``: la misma llamada tras el mismo entrenamiento da las mismas imágenes.
    """
    generator, _ = train_digit_gan(seed=seed, steps=steps, device=device, progress=progress)
    model_device = next(generator.parameters()).device

    def generate(labels: torch.Tensor) -> torch.Tensor:
        check_tensor(labels, "labels", ndim=1, floating=False)
        z = torch.randn(len(labels), generator.latent_dim,
                        generator=torch.Generator().manual_seed(seed))
        with torch.no_grad():
            return generator(z.to(model_device), labels.to(model_device)).cpu()

    return generate
