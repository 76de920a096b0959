"""La GAN del anillo del cuaderno 2.1 (receta ``gan_anillo``), con una o varias semillas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from genai_utils.gan.networks import (
    Discriminator,
    Generator,
)
from genai_utils.gan.ring import (
    ModeCoverage,
    mode_coverage,
    sample_ring,
)
from genai_utils.gan.train import (
    sample,
    train_gan,
)
from genai_utils.history import History
from genai_utils.recipes import Recipe, get_recipe
from genai_utils.training import limit_threads
from genai_utils.validation import (
    check_fraction,
    check_non_negative_int,
    check_positive_int,
)


# ---------------------------------------------------------------- la GAN del anillo
def ring_setup(recipe: Recipe, seed: int) -> tuple[torch.Tensor, Generator, Discriminator]:
    """Los datos del anillo de ``recipe`` y un generador y un discriminador (o crítico) nuevos,
    inicializados con ``torch.manual_seed(seed)`` sin tocar el estado aleatorio global.

    Lo comparten la GAN (:func:`train_ring_gan`) y la WGAN-GP del anillo: las mismas redes.
    """
    model = recipe.model
    data = sample_ring(recipe.training["n_points"], seed=recipe.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = Generator(model["latent_dim"], 2, hidden=model["hidden"],
                              n_hidden=model["n_hidden"])
        discriminator = Discriminator(2, hidden=model["hidden"], n_hidden=model["n_hidden"])
    return data, generator, discriminator


def train_ring_gan(
    beta1: float,
    *,
    seed: int = 0,
    recipe: Recipe | None = None,
    snapshot_z: torch.Tensor | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[Generator, Discriminator, History]:
    """Entrena la GAN del anillo (cuaderno 2.1) con la receta ``gan_anillo`` y el impulso ``beta1``.

    Las redes se inicializan con ``torch.manual_seed(seed)`` (sin tocar el estado aleatorio
    global) y los minilotes y el ruido salen de la misma ``seed``. Con ``snapshot_z`` se guardan
    instantáneas cada ``snapshot_every`` pasos de la receta. Un solo hilo de CPU, el más rápido
    con redes tan pequeñas. Devuelve generador, discriminador (en modo evaluación) e historial.
    """
    recipe = get_recipe("gan_anillo") if recipe is None else recipe
    check_fraction(beta1, "beta1")
    check_non_negative_int(seed, "seed")
    train = recipe.training
    data, generator, discriminator = ring_setup(recipe, seed)
    every = train["snapshot_every"] if snapshot_z is not None else 0
    with limit_threads(1):
        history = train_gan(generator, discriminator, data, steps=train["steps"],
                            batch_size=train["batch_size"], lr=train["lr"],
                            betas=(float(beta1), train["beta2"]), seed=seed,
                            snapshot_every=every, snapshot_z=snapshot_z, device=device,
                            desc=f"GAN con β1 = {beta1}", progress=progress)
    return generator, discriminator, history


@dataclass(frozen=True)
class RingRun:
    """Resultado de una semilla del estudio del anillo: cobertura final y a mitad de camino."""

    beta1: float
    seed: int
    final: ModeCoverage
    midway: ModeCoverage


def ring_run(
    beta1: float, seed: int, generator: Generator, history: History, *, n_samples: int = 5000
) -> RingRun:
    """Mide un entrenamiento del anillo ya hecho: cobertura final y a mitad de camino.

    La final es la de ``n_samples`` muestras nuevas (:func:`sample` con semilla 123, como en el
    cuaderno 2.1); la de mitad de camino, la de la instantánea del paso ``steps // 2``, que
    ``history`` debe contener (entrena con ``snapshot_z``).
    """
    check_positive_int(n_samples, "n_samples")
    if not history.snapshots:
        raise ValueError("El historial no tiene instantáneas: entrena con `snapshot_z`.")
    last = max(history.snapshots)
    if last // 2 not in history.snapshots:
        raise ValueError(
            f"El historial no tiene la instantánea del paso {last // 2} (mitad de {last})."
        )
    return RingRun(float(beta1), int(seed), mode_coverage(sample(generator, n_samples, seed=123)),
                   mode_coverage(history.snapshots[last // 2]))


def ring_seed_study(
    beta1_values: Sequence[float],
    seeds: Sequence[int],
    snapshot_z: torch.Tensor,
    *,
    recipe: Recipe | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> list[RingRun]:
    """Entrena la GAN del anillo con cada ``beta1`` y cada semilla, y mide cada entrenamiento.

    Cada entrenamiento es el de :func:`train_ring_gan` con la receta (``gan_anillo`` por
    defecto) y se mide con :func:`ring_run`; ``snapshot_z`` es el ruido fijo de la instantánea
    de mitad de camino. Devuelve un :class:`RingRun` por par (``beta1``, semilla), en ese orden.
    """
    recipe = get_recipe("gan_anillo") if recipe is None else recipe
    if len(beta1_values) == 0 or len(seeds) == 0:
        raise ValueError("Los argumentos `beta1_values` y `seeds` no pueden estar vacíos.")
    # Instantáneas solo en los pasos 0, steps // 2 y steps.
    recipe = recipe.with_training(snapshot_every=recipe.training["steps"] // 2)
    pairs = [(b, s) for b in beta1_values for s in seeds]
    runs = []
    for beta1, seed in tqdm(pairs, desc="Estudio de semillas", disable=not progress):
        generator, _, history = train_ring_gan(beta1, seed=seed, recipe=recipe,
                                               snapshot_z=snapshot_z, device=device,
                                               progress=False)
        runs.append(ring_run(beta1, seed, generator, history))
    return runs
