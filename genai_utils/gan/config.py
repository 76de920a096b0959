"""Constantes de la GAN: el anillo de gaussianas, las pérdidas del generador y los alias de la
receta ``gan_digitos``, que es la única fuente de esos valores.
"""

from __future__ import annotations

from genai_utils.recipes import get_recipe

RING_MODES = 8
RING_RADIUS = 3.0
RING_STD = 0.2
GENERATOR_LOSSES = ("non_saturating", "minimax")
# Alias de la receta «gan_digitos» (genai_utils.recipes), que es la única fuente de estos valores.
_DIGIT_RECIPE = get_recipe("gan_digitos")
DIGIT_LATENT_DIM: int = _DIGIT_RECIPE.model["latent_dim"]
DIGIT_STEPS: int = _DIGIT_RECIPE.training["steps"]
DIGIT_LR: float = _DIGIT_RECIPE.training["lr"]
DIGIT_BATCH_SIZE: int = _DIGIT_RECIPE.training["batch_size"]
DIGIT_BETAS: tuple[float, float] = tuple(_DIGIT_RECIPE.training["betas"])
