"""WGAN-GP (Gulrajani et al., 2017): el crítico, la penalización del gradiente y el anillo.

El crítico es un :class:`~genai_utils.gan.networks.Discriminator` cuya salida se usa tal cual,
sin sigmoide: una puntuación, no una probabilidad. Cada paso del :class:`~genai_utils.trainer.
Trainer` da ``n_critic`` pasos al crítico y uno al generador (receta ``wgan_gp_anillo``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from tqdm.auto import tqdm

from genai_utils.gan.networks import Discriminator, Generator
from genai_utils.gan.ring_gan import RingRun, ring_run, ring_setup
from genai_utils.gan.train import run_game
from genai_utils.history import History
from genai_utils.recipes import Recipe, get_recipe
from genai_utils.runtime import get_device, limit_threads
from genai_utils.trainer import optimizer_step
from genai_utils.validation import (
    check_non_negative_float,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor

__all__ = ["critic_loss", "gradient_penalty", "train_ring_wgan", "train_wgan_gp",
           "wgan_seed_study"]


def critic_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Pérdida del crítico: ``E[D(G(z))] − E[D(x)]`` (menos la estimación de la distancia W1)."""
    check_tensor(real_scores, "real_scores", ndim=1, floating=True)
    check_tensor(fake_scores, "fake_scores", ndim=1, floating=True)
    return fake_scores.mean() - real_scores.mean()


def gradient_penalty(
    critic: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor, *,
    weight: float = 10.0, eps: torch.Tensor | None = None,
) -> torch.Tensor:
    """Penalización ``λ·E[(‖∇D(x̂)‖ − 1)²]`` en puntos ``x̂ = ε·x + (1 − ε)·G(z)``.

    ``eps`` (N, 1) son las fracciones de cada interpolación; si no se dan, se sortean uniformes
    en [0, 1) con el estado aleatorio global. El grafo se conserva (``create_graph``) para que
    la penalización se pueda retropropagar hasta los pesos del crítico.
    """
    check_tensor(real, "real", ndim=2, floating=True)
    check_tensor(fake, "fake", ndim=2, floating=True)
    if real.shape != fake.shape:
        raise ValueError(f"Los argumentos `real` y `fake` deben tener la misma forma; se "
                         f"recibieron {tuple(real.shape)} y {tuple(fake.shape)}.")
    check_non_negative_float(weight, "weight")
    if eps is None:
        eps = torch.rand(len(real), 1, device=real.device)
    else:
        check_tensor(eps, "eps", ndim=2, last_dims=(1,), floating=True)
        if len(eps) != len(real):
            raise ValueError(f"El argumento `eps` debe tener {len(real)} filas, una por muestra; "
                             f"se recibieron {len(eps)}.")
    return _penalty(critic, real, fake.detach(), eps.to(real.device), weight)


def _penalty(critic: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor,
             eps: torch.Tensor, weight: float) -> torch.Tensor:
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return weight * ((grad.norm(dim=1) - 1) ** 2).mean()


def train_wgan_gp(
    generator: Generator, critic: Discriminator, data: torch.Tensor, *, steps: int,
    n_critic: int = 5, gp_weight: float = 10.0, batch_size: int = 256, lr: float = 1e-4,
    betas: tuple[float, float] = (0.0, 0.9), seed: int = 0, snapshot_every: int = 0,
    snapshot_z: torch.Tensor | None = None, device: torch.device | str | None = None,
    desc: str = "WGAN-GP", progress: bool = True,
) -> History:
    """Entrena ``steps`` pasos del generador, cada uno tras ``n_critic`` pasos del crítico.

    Todo el azar (minilotes, ruido y fracciones de interpolación) sale de un generador con
    semilla ``seed``. El historial guarda ``"d_loss"`` (pérdida del crítico con penalización),
    ``"g_loss"``, ``"w_dist"`` (estimación de W1: ``E[D(x)] − E[D(G(z))]``) y ``"gp"``; con
    ``snapshot_every`` guarda instantáneas de ``generator(snapshot_z)``, como :func:`train_gan`.
    """
    check_tensor(data, "data", ndim=2, floating=True)
    check_positive_int(steps, "steps")
    check_positive_int(n_critic, "n_critic")
    check_non_negative_float(gp_weight, "gp_weight")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(lr, "lr")
    check_non_negative_int(seed, "seed")
    check_non_negative_int(snapshot_every, "snapshot_every")
    if len(betas) != 2 or not all(0.0 <= float(b) < 1.0 for b in betas):
        raise ValueError(f"El argumento `betas` debe ser un par de números en [0, 1); "
                         f"se recibió {betas!r}.")
    if snapshot_every and snapshot_z is None:
        raise ValueError("Para guardar instantáneas (`snapshot_every` > 0) pasa `snapshot_z`.")
    device = torch.device(device) if device is not None else get_device()
    generator.to(device).train()
    critic.to(device).train()
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=tuple(betas))
    opt_c = torch.optim.Adam(critic.parameters(), lr=lr, betas=tuple(betas))
    rng = torch.Generator().manual_seed(seed)
    data_d = data.to(device)

    def next_batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        idx = torch.randint(0, len(data), (n_critic, batch_size), generator=rng).to(device)
        z = torch.randn(n_critic + 1, batch_size, generator.latent_dim, generator=rng)
        eps = torch.rand(n_critic, batch_size, 1, generator=rng)
        return data_d[idx], z.to(device), eps.to(device)

    def step(batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> dict[str, torch.Tensor]:
        reals, zs, epss = batch
        for real, z, eps in zip(reals, zs[:-1], epss, strict=True):
            with torch.no_grad():
                fake = generator(z)
            w_dist = critic(real).mean() - critic(fake).mean()
            gp = _penalty(critic, real, fake, eps, gp_weight)
            optimizer_step(opt_c, gp - w_dist)
        g_loss = -critic(generator(zs[-1])).mean()
        optimizer_step(opt_g, g_loss)
        return {"d_loss": (gp - w_dist).detach(), "g_loss": g_loss.detach(),
                "w_dist": w_dist.detach(), "gp": gp.detach()}

    return run_game(step, next_batch, steps, (generator, critic), snapshot_z, snapshot_every,
                    device, desc=desc, progress=progress)


def train_ring_wgan(
    *, seed: int = 0, recipe: Recipe | None = None, snapshot_z: torch.Tensor | None = None,
    device: torch.device | str | None = None, progress: bool = True,
) -> tuple[Generator, Discriminator, History]:
    """La WGAN-GP del anillo (cuaderno 2.3) con la receta ``wgan_gp_anillo``.

    Las mismas redes y datos que :func:`~genai_utils.gan.train_ring_gan`, inicializadas con
    ``torch.manual_seed(seed)`` sin tocar el estado global; un solo hilo de CPU. Devuelve
    generador, crítico (en modo evaluación) e historial.
    """
    recipe = get_recipe("wgan_gp_anillo") if recipe is None else recipe
    check_non_negative_int(seed, "seed")
    train = recipe.training
    data, generator, critic = ring_setup(recipe, seed)
    every = train["snapshot_every"] if snapshot_z is not None else 0
    with limit_threads(1):
        history = train_wgan_gp(
            generator, critic, data, steps=train["steps"], n_critic=train["n_critic"],
            gp_weight=train["gp_weight"], batch_size=train["batch_size"], lr=train["lr"],
            betas=(train["beta1"], train["beta2"]), seed=seed, snapshot_every=every,
            snapshot_z=snapshot_z, device=device, desc="WGAN-GP", progress=progress)
    return generator, critic, history


def wgan_seed_study(
    seeds: Sequence[int], snapshot_z: torch.Tensor, *, recipe: Recipe | None = None,
    device: torch.device | str | None = None, progress: bool = True,
) -> list[RingRun]:
    """:func:`train_ring_wgan` con cada semilla, medida como :func:`~genai_utils.gan.ring_run`.

    Cada :class:`RingRun` lleva en ``beta1`` el de la receta (0 en ``wgan_gp_anillo``).
    """
    recipe = get_recipe("wgan_gp_anillo") if recipe is None else recipe
    if len(seeds) == 0:
        raise ValueError("El argumento `seeds` no puede estar vacío.")
    recipe = recipe.with_training(snapshot_every=recipe.training["steps"] // 2)
    runs = []
    for seed in tqdm(list(seeds), desc="Estudio de semillas (WGAN-GP)", disable=not progress):
        generator, _, history = train_ring_wgan(seed=seed, recipe=recipe, snapshot_z=snapshot_z,
                                                device=device, progress=False)
        runs.append(ring_run(recipe.training["beta1"], seed, generator, history))
    return runs
