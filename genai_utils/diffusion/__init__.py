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
  ``difusion_digitos``);
* :mod:`~genai_utils.diffusion.flow`: el emparejamiento de flujos (flujo rectificado) con las
  mismas redes, y su muestreador de Euler (recetas ``flujo_2d`` y ``flujo_digitos``).
"""

from __future__ import annotations

from genai_utils.diffusion.digits import (
    DIGIT_STEPS,
    digit_sampler,
    to_image_space,
    to_model_space,
    train_digit_denoiser,
    train_digit_generator,
)
from genai_utils.diffusion.flow import (
    flow_interpolate,
    flow_loss,
    flow_sample,
    train_digit_flow,
    train_flow,
)
from genai_utils.diffusion.networks import DigitDenoiser, ToyDenoiser, sinusoidal_embedding
from genai_utils.diffusion.sampling import (
    ddim_sample,
    ddpm_sample,
    guided_noise,
    timestep_sequence,
)
from genai_utils.diffusion.schedules import (
    SCHEDULE_KINDS,
    NoiseSchedule,
    make_schedule,
    q_mean_std,
    q_sample,
    q_step,
)
from genai_utils.diffusion.train import diffusion_loss, train_denoiser

__all__ = [
    "DIGIT_STEPS",
    "DigitDenoiser",
    "NoiseSchedule",
    "SCHEDULE_KINDS",
    "ToyDenoiser",
    "ddim_sample",
    "ddpm_sample",
    "diffusion_loss",
    "flow_interpolate",
    "flow_loss",
    "flow_sample",
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
    "train_digit_flow",
    "train_flow",
    "train_digit_generator",
]
