"""El entrenamiento: un paso del discriminador y otro del generador, y el bucle completo con
instantáneas de las muestras (el bucle es :class:`~genai_utils.trainer.Trainer`, el de todo el
libro; aquí solo está el paso del juego).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from genai_utils.gan.config import GENERATOR_LOSSES
from genai_utils.gan.losses import (
    _discriminator_loss,
    _generator_loss,
)
from genai_utils.gan.networks import (
    Discriminator,
    Generator,
)
from genai_utils.history import History
from genai_utils.runtime import get_device
from genai_utils.trainer import Trainer, optimizer_step
from genai_utils.validation import (
    MAX_SIZE,
    check_choice,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_model, check_tensor

# Un lote de la GAN: datos reales, ruido y etiquetas (``None`` si no es condicional).
GanBatch = tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]


# ---------------------------------------------------------------- el entrenamiento
def train_step(
    generator: Generator,
    discriminator: Discriminator,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    real: torch.Tensor,
    z: torch.Tensor,
    *,
    labels: torch.Tensor | None = None,
    loss: str = "non_saturating",
) -> tuple[float, float]:
    """Un paso del juego: primero el discriminador, luego el generador, con el mismo ruido ``z``.

    ``labels`` (solo en modelos condicionales) son las etiquetas de ``real`` y se usan también
    para las muestras falsas. Devuelve ``(pérdida_D, pérdida_G)`` como números.
    """
    check_tensor(real, "real", floating=True)
    check_tensor(z, "z", ndim=2, floating=True)
    if len(z) != len(real):
        raise ValueError(
            f"Los argumentos `z` y `real` deben tener el mismo número de filas; se recibieron "
            f"{len(z)} y {len(real)}."
        )
    check_choice(loss, "loss", GENERATOR_LOSSES)
    game = _Game(generator, discriminator, opt_g, opt_d, loss)
    d_loss, g_loss = game.step(real, z, labels)
    return d_loss.item(), g_loss.item()


@dataclass(frozen=True)
class _Game:
    """Las dos redes, sus optimizadores y la pérdida del generador: lo que no cambia entre pasos."""

    generator: Generator
    discriminator: Discriminator
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    loss: str

    def step(
        self, real: torch.Tensor, z: torch.Tensor, labels: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """:func:`train_step` sin comprobar los argumentos (el bucle ya los comprobó al empezar)."""
        # 1) Discriminador: las muestras falsas se separan del grafo (detach) para no mover G.
        fake = self.generator(z, labels)
        d_loss = _discriminator_loss(
            self.discriminator(real, labels), self.discriminator(fake.detach(), labels)
        )
        optimizer_step(self.opt_d, d_loss)
        # 2) Generador: el gradiente atraviesa D (ya actualizado), pero solo se mueve G.
        g_loss = _generator_loss(self.discriminator(fake, labels), self.loss)
        optimizer_step(self.opt_g, g_loss)
        return d_loss.detach(), g_loss.detach()


def adam_pair(
    generator: nn.Module, discriminator: nn.Module, lr: float = 2e-4,
    betas: tuple[float, float] = (0.5, 0.999),
) -> tuple[torch.optim.Adam, torch.optim.Adam]:
    """Dos optimizadores Adam, uno por red, con los hiperparámetros de DCGAN por defecto."""
    check_positive_float(lr, "lr")
    return (torch.optim.Adam(generator.parameters(), lr=lr, betas=betas),
            torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas))


def train_gan(
    generator: Generator,
    discriminator: Discriminator,
    data: torch.Tensor,
    *,
    labels: torch.Tensor | None = None,
    steps: int,
    batch_size: int = 256,
    lr: float = 2e-4,
    betas: tuple[float, float] = (0.5, 0.999),
    loss: str = "non_saturating",
    seed: int = 0,
    snapshot_every: int = 0,
    snapshot_z: torch.Tensor | None = None,
    device: torch.device | str | None = None,
    desc: str = "GAN",
    progress: bool = True,
) -> History:
    """Entrena una GAN ``steps`` pasos de :func:`train_step` con minilotes sorteados de ``data``.

    Todo el azar (minilotes y ruido) sale de un generador con semilla ``seed``, así que en la CPU
    dos ejecuciones con la misma semilla e iguales redes iniciales dan el mismo resultado bit a
    bit. Cada ``snapshot_every`` pasos (y en el paso 0) guarda ``generator(snapshot_z)`` en
    ``history.snapshots``. El historial tiene ``"d_loss"`` y ``"g_loss"`` de cada paso.
    """
    check_tensor(data, "data", floating=True)
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(snapshot_every, "snapshot_every")
    check_non_negative_int(seed, "seed")
    if labels is not None:
        check_tensor(labels, "labels", ndim=1, floating=False)
        if len(labels) != len(data):
            raise ValueError(
                f"El argumento `labels` debe tener una etiqueta por dato ({len(data)}); "
                f"se recibieron {len(labels)}."
            )
    if snapshot_every and snapshot_z is None:
        raise ValueError("Para guardar instantáneas (`snapshot_every` > 0) pasa `snapshot_z`.")
    check_choice(loss, "loss", GENERATOR_LOSSES)
    device = torch.device(device) if device is not None else get_device()
    generator.to(device).train()
    discriminator.to(device).train()
    opt_g, opt_d = adam_pair(generator, discriminator, lr, betas)
    game = _Game(generator, discriminator, opt_g, opt_d, loss)
    rng = torch.Generator().manual_seed(seed)
    data_d = data.to(device)
    labels_d = None if labels is None else labels.to(device)

    def next_batch() -> GanBatch:
        idx = torch.randint(0, len(data), (batch_size,), generator=rng).to(device)
        z = torch.randn(batch_size, generator.latent_dim, generator=rng).to(device)
        return data_d[idx], z, None if labels_d is None else labels_d[idx]

    def step(batch: GanBatch) -> dict[str, torch.Tensor]:
        real, z, batch_labels = batch
        d_loss, g_loss = game.step(real, z, batch_labels)
        return {"d_loss": d_loss, "g_loss": g_loss}

    return run_game(step, next_batch, steps, (generator, discriminator), snapshot_z,
                    snapshot_every, device, desc=desc, progress=progress)


def run_game(
    step: Callable[[Any], dict[str, torch.Tensor]], next_batch: Callable[[], Any], steps: int,
    players: tuple[nn.Module, nn.Module], snapshot_z: torch.Tensor | None, snapshot_every: int,
    device: torch.device, *, desc: str, progress: bool,
) -> History:
    """Juega ``steps`` pasos de ``step`` con un :class:`~genai_utils.trainer.Trainer` y deja los
    dos ``players`` (generador y discriminador o crítico) en modo evaluación.

    Guarda ``generator(snapshot_z)`` en el paso 0 y cada ``snapshot_every`` pasos
    (``history.snapshots``); con ``snapshot_every = 0``, ninguna. Lo comparten la GAN
    (:func:`train_gan`) y la WGAN-GP (:func:`~genai_utils.gan.train_wgan_gp`).
    """
    generator = players[0]
    trainer = Trainer(step, desc=desc, progress=progress)

    def snapshot(trainer: Trainer) -> None:
        if trainer.steps_done % snapshot_every == 0:
            trainer.history.snapshots[trainer.steps_done] = _snapshot(generator, snapshot_z,
                                                                      device)

    if snapshot_every:
        trainer.history.snapshots[0] = _snapshot(generator, snapshot_z, device)
        trainer.add_callback("on_step_end", snapshot)
    history = trainer.run(next_batch, steps=steps)
    for player in players:
        player.eval()
    return history


@torch.no_grad()
def _snapshot(generator: Generator, z: torch.Tensor, device: torch.device) -> torch.Tensor:
    was_training = generator.training
    generator.eval()
    out = generator(z.to(device)).cpu()
    generator.train(was_training)
    return out


@torch.no_grad()
def sample(
    generator: Generator,
    n: int,
    *,
    labels: torch.Tensor | None = None,
    seed: int = 0,
) -> torch.Tensor:
    """``n`` muestras del generador (en la CPU) con ruido sorteado con la semilla ``seed``."""
    check_model(generator, "generator", Generator)
    check_positive_int(n, "n", maximum=MAX_SIZE)
    check_non_negative_int(seed, "seed")
    device = next(generator.parameters()).device
    z = torch.randn(n, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    out_labels = None if labels is None else labels.to(device)
    return generator(z.to(device), out_labels).cpu()
