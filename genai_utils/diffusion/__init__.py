"""Modelos de difusión: calendarios de ruido, proceso directo, redes que predicen el ruido y
muestreadores DDPM y DDIM con guía sin clasificador.

Convenio de índices: el libro numera los pasos de ruido de 1 a T, como los artículos; en el código
el paso ``t`` va de ``0`` a ``T - 1`` (``t = 0`` es el paso 1 de las fórmulas). Así,
``schedule.alpha_bars[t]`` es :math:`\\bar\\alpha_{t+1} = \\prod_{s \\le t} (1 - \\beta_s)`.

Todas las redes tienen la misma firma, ``model(x, t, labels=None)``, y devuelven el ruido
:math:`\\varepsilon` que predicen, con la forma de ``x``. ``labels=None`` (o la etiqueta «nula»,
``num_classes``) pide la predicción sin condición, la que usa la guía sin clasificador.

El paquete está partido por tareas, como se lee de arriba abajo:

* :mod:`~genai_utils.diffusion.schedules`: calendarios de ruido y proceso directo;
* :mod:`~genai_utils.diffusion.networks`: incrustación del paso y redes que predicen el ruido;
* :mod:`~genai_utils.diffusion.train`: la pérdida y el bucle de entrenamiento;
* :mod:`~genai_utils.diffusion.sampling`: muestreadores DDPM y DDIM y guía sin clasificador;
* :mod:`~genai_utils.diffusion.digits`: la difusión de los dígitos (receta
  ``difusion_digitos``).
"""

from __future__ import annotations

# Se reexportan todos los nombres del antiguo módulo, también los privados y los que importaba
# de fuera, para que ``genai_utils.diffusion.X`` siga existiendo para cada X de antes.
import math  # noqa: F401
import time  # noqa: F401
from collections.abc import Callable  # noqa: F401
from dataclasses import dataclass  # noqa: F401

import torch  # noqa: F401
from torch import Tensor, nn  # noqa: F401
from torch.nn import functional as F  # noqa: F401
from tqdm.auto import tqdm  # noqa: F401

from genai_utils.data import IMAGE_SIZE, N_CLASSES, load_digits  # noqa: F401
from genai_utils.diffusion.digits import (  # noqa: F401
    DIGIT_STEPS,
    digit_sampler,
    to_image_space,
    to_model_space,
    train_digit_denoiser,
    train_digit_generator,
)
from genai_utils.diffusion.networks import (  # noqa: F401
    DigitDenoiser,
    ToyDenoiser,
    _Denoiser,
    _ResidualBlock,
    _sinusoidal,
    sinusoidal_embedding,
)
from genai_utils.diffusion.sampling import (  # noqa: F401
    _predict_x0,
    _prepare_sampling,
    ddim_sample,
    ddpm_sample,
    guided_noise,
    timestep_sequence,
)
from genai_utils.diffusion.schedules import (  # noqa: F401
    _PIXELS,
    SCHEDULE_KINDS,
    NoiseSchedule,
    _check_batch,
    _check_beta,
    _check_schedule,
    _check_timesteps,
    _cosine_betas,
    _gather,
    _randn_like,
    make_schedule,
    q_mean_std,
    q_sample,
    q_step,
)
from genai_utils.diffusion.train import (  # noqa: F401
    _check_labels,
    diffusion_loss,
    train_denoiser,
)
from genai_utils.recipes import get_recipe  # noqa: F401
from genai_utils.schedules import warmup_then_cosine  # noqa: F401
from genai_utils.training import History, get_device, limit_threads  # noqa: F401
from genai_utils.validation import (  # noqa: F401
    MAX_SIZE,
    check_choice,
    check_fraction,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_labels, check_model, check_tensor  # noqa: F401

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
