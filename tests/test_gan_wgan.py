"""Pruebas de la WGAN-GP (genai_utils.gan.wgan): crítico, penalización y entrenamiento."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genai_utils.gan import (
    Discriminator,
    Generator,
    critic_loss,
    gradient_penalty,
    ring_run,
    sample_ring,
    train_ring_wgan,
    train_wgan_gp,
    wgan_seed_study,
)
from genai_utils.recipes import get_recipe


class _Linear(nn.Module):
    """Crítico lineal ``w·x`` (N,), con gradiente ``w`` en todas partes."""

    def __init__(self, w: list[float]) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.w


def _pair(seed: int = 0) -> tuple[Generator, Discriminator]:
    torch.manual_seed(seed)
    return Generator(2, 2, hidden=16), Discriminator(2, hidden=16)


def test_perdida_del_critico() -> None:
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    assert critic_loss(real, fake).item() == pytest.approx(-1.0 - 2.0)
    with pytest.raises(ValueError, match="`real_scores`"):
        critic_loss(torch.ones(2, 1), fake)
    with pytest.raises(TypeError, match="`fake_scores`"):
        critic_loss(real, [0.0, 1.0])


def test_penalizacion_nula_con_gradiente_unitario_y_positiva_si_no() -> None:
    real, fake = sample_ring(64, seed=1), sample_ring(64, seed=2)
    unit = gradient_penalty(_Linear([0.6, 0.8]), real, fake)
    assert unit.shape == () and unit.item() == pytest.approx(0.0, abs=1e-10)
    steep = gradient_penalty(_Linear([3.0, 4.0]), real, fake, weight=10.0)
    assert steep.item() == pytest.approx(10.0 * (5.0 - 1.0) ** 2, rel=1e-5)
    flat = gradient_penalty(_Linear([0.0, 0.5]), real, fake, weight=2.0)
    assert flat.item() == pytest.approx(2.0 * 0.25, rel=1e-5)
    # se retropropaga hasta los pesos del crítico (create_graph)
    critic = _Linear([3.0, 4.0])
    gradient_penalty(critic, real, fake).backward()
    assert critic.w.grad is not None and critic.w.grad.abs().sum() > 0


def test_penalizacion_determinista_con_eps() -> None:
    _, critic = _pair()
    real, fake = sample_ring(32, seed=3), sample_ring(32, seed=4)
    eps = torch.rand(32, 1, generator=torch.Generator().manual_seed(0))
    a = gradient_penalty(critic, real, fake, eps=eps)
    b = gradient_penalty(critic, real, fake, eps=eps)
    assert a.item() > 0 and torch.equal(a, b)
    # ε = 1 evalúa el gradiente en los datos reales; ε = 0, en las muestras falsas
    at_real = gradient_penalty(critic, real, fake, eps=torch.ones(32, 1))
    assert torch.allclose(at_real, gradient_penalty(critic, real, real))


def test_penalizacion_errores() -> None:
    _, critic = _pair()
    real = sample_ring(8)
    with pytest.raises(ValueError, match="`real` y `fake`"):
        gradient_penalty(critic, real, real[:4])
    with pytest.raises(ValueError, match="`weight`"):
        gradient_penalty(critic, real, real, weight=-1.0)
    with pytest.raises(ValueError, match="`eps`"):
        gradient_penalty(critic, real, real, eps=torch.rand(4, 1))
    with pytest.raises(ValueError, match="`real`"):
        gradient_penalty(critic, torch.ones(8), torch.ones(8))


def test_entrenamiento_corto_determinista() -> None:
    data = sample_ring(500)
    z = torch.randn(50, 2, generator=torch.Generator().manual_seed(9))
    runs = []
    for _ in range(2):
        generator, critic = _pair(seed=1)
        history = train_wgan_gp(generator, critic, data, steps=6, n_critic=2, batch_size=32,
                                seed=5, snapshot_every=3, snapshot_z=z, progress=False)
        runs.append((generator, history))
    (g1, h1), (g2, h2) = runs
    assert set(h1.names) == {"d_loss", "g_loss", "w_dist", "gp"}
    assert len(h1.d_losses) == 6 and sorted(h1.snapshots) == [0, 3, 6]
    assert h1.snapshots[6].shape == (50, 2)
    assert h1.d_losses == h2.d_losses and h1["gp"] == h2["gp"]
    assert all(torch.equal(a, b) for a, b in zip(g1.parameters(), g2.parameters(), strict=True))
    assert not g1.training


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"steps": 0}, "`steps`"), ({"n_critic": 0}, "`n_critic`"),
    ({"gp_weight": -1.0}, "`gp_weight`"), ({"lr": 0.0}, "`lr`"),
    ({"betas": (1.0, 0.9)}, "`betas`"), ({"snapshot_every": 2}, "`snapshot_z`"),
])
def test_entrenamiento_errores(kwargs: dict, name: str) -> None:
    generator, critic = _pair()
    options = {"steps": 2, **kwargs}
    with pytest.raises((ValueError, TypeError), match=name):
        train_wgan_gp(generator, critic, sample_ring(64), progress=False, **options)


def test_anillo_con_presupuesto_minimo() -> None:
    recipe = get_recipe("wgan_gp_anillo").with_training(steps=4, n_points=200, batch_size=16,
                                                        snapshot_every=2)
    z = torch.randn(40, 2, generator=torch.Generator().manual_seed(0))
    generator, critic, history = train_ring_wgan(seed=0, recipe=recipe, snapshot_z=z,
                                                 progress=False)
    assert isinstance(critic, Discriminator) and len(history.g_losses) == 4
    run = ring_run(0.0, 0, generator, history)
    runs = wgan_seed_study([0], z, recipe=recipe, progress=False)
    assert runs == [run] and runs[0].beta1 == 0.0
    with pytest.raises(ValueError, match="`seeds`"):
        wgan_seed_study([], z, recipe=recipe)
    with pytest.raises(ValueError, match="`seed`"):
        train_ring_wgan(seed=-1, recipe=recipe)


def test_receta_de_gulrajani() -> None:
    train = get_recipe("wgan_gp_anillo").training
    assert (train["beta1"], train["beta2"]) == (0.0, 0.9)
    assert train["n_critic"] == 5 and train["gp_weight"] == 10.0
