"""Redes generativas antagónicas (GAN): redes pequeñas, pérdidas, entrenamiento y métricas.

Todo está pensado para entrenarse en segundos en una CPU:

* :class:`Generator` y :class:`Discriminator`: perceptrones que sirven para puntos en 2-D y para
  los dígitos de 8×8, con o sin condición (la etiqueta entra como vector *one-hot*).
* :func:`discriminator_loss` y :func:`generator_loss`: la pérdida del juego minimax y la
  variante no saturante del generador.
* :func:`train_step` (un paso del discriminador y otro del generador) y :func:`train_gan`, el
  bucle completo, con instantáneas de las muestras durante el entrenamiento.
* :func:`ring_centers`, :func:`sample_ring` y :func:`mode_coverage`: el anillo de 8 gaussianas y
  la medida de cobertura de modos y de calidad de las muestras.
* :func:`train_ring_gan` y :func:`ring_seed_study`: la GAN del anillo del cuaderno 2.1 (receta
  ``gan_anillo``), con una o varias semillas.
* :func:`critic_loss`, :func:`gradient_penalty`, :func:`train_wgan_gp`, :func:`train_ring_wgan`
  y :func:`wgan_seed_study`: la WGAN-GP del cuaderno 2.3 (receta ``wgan_gp_anillo``).
* :func:`train_digit_generator`: la GAN condicional de los dígitos del cuaderno 2.2, con la
  interfaz común con la que el capítulo 4 compara todos los modelos de imágenes.

El paquete está partido por tareas, como se lee de arriba abajo:

* :mod:`~genai_utils.gan.config`: constantes y alias de la receta ``gan_digitos``;
* :mod:`~genai_utils.gan.ring`: el anillo de gaussianas y la cobertura de modos;
* :mod:`~genai_utils.gan.networks`: generador y discriminador;
* :mod:`~genai_utils.gan.losses`: las pérdidas del juego;
* :mod:`~genai_utils.gan.train`: el paso de entrenamiento y el bucle completo;
* :mod:`~genai_utils.gan.ring_gan`: la GAN del anillo (receta ``gan_anillo``);
* :mod:`~genai_utils.gan.wgan`: la WGAN-GP (crítico y penalización del gradiente);
* :mod:`~genai_utils.gan.digits`: la GAN condicional de los dígitos.
"""

from __future__ import annotations

from genai_utils.gan.config import (
    DIGIT_BATCH_SIZE,
    DIGIT_BETAS,
    DIGIT_LATENT_DIM,
    DIGIT_LR,
    DIGIT_STEPS,
    GENERATOR_LOSSES,
    RING_MODES,
    RING_RADIUS,
    RING_STD,
)
from genai_utils.gan.digits import train_digit_gan, train_digit_generator
from genai_utils.gan.losses import discriminator_loss, generator_loss, optimal_discriminator
from genai_utils.gan.networks import Discriminator, Generator, digit_discriminator, digit_generator
from genai_utils.gan.ring import ModeCoverage, mode_coverage, ring_centers, sample_ring
from genai_utils.gan.ring_gan import RingRun, ring_run, ring_seed_study, train_ring_gan
from genai_utils.gan.train import adam_pair, sample, train_gan, train_step
from genai_utils.gan.wgan import (
    critic_loss,
    gradient_penalty,
    train_ring_wgan,
    train_wgan_gp,
    wgan_seed_study,
)

__all__ = [
    "DIGIT_BATCH_SIZE",
    "DIGIT_BETAS",
    "DIGIT_LATENT_DIM",
    "DIGIT_LR",
    "DIGIT_STEPS",
    "Discriminator",
    "GENERATOR_LOSSES",
    "Generator",
    "ModeCoverage",
    "RING_MODES",
    "RING_RADIUS",
    "RING_STD",
    "RingRun",
    "adam_pair",
    "critic_loss",
    "digit_discriminator",
    "digit_generator",
    "discriminator_loss",
    "generator_loss",
    "gradient_penalty",
    "mode_coverage",
    "optimal_discriminator",
    "ring_centers",
    "ring_run",
    "ring_seed_study",
    "sample",
    "sample_ring",
    "train_digit_gan",
    "train_digit_generator",
    "train_gan",
    "train_ring_gan",
    "train_ring_wgan",
    "train_step",
    "train_wgan_gp",
    "wgan_seed_study",
]
