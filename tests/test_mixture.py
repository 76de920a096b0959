"""Pruebas de genai_utils.mixture: mezcla de gaussianas por máxima verosimilitud."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.mixture import GaussianMixture, fit_mixture


def _toy(n: int = 600) -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    centers = torch.tensor([[-3.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    comps = torch.randint(3, (n,), generator=gen)
    return centers[comps] + 0.3 * torch.randn(n, 2, generator=gen)


def test_log_prob_de_una_componente_es_la_normal() -> None:
    model = GaussianMixture(1, 2)
    with torch.no_grad():
        model.means.copy_(torch.tensor([[1.0, -1.0]]))
        model.log_stds.copy_(torch.tensor([[0.0, math.log(2.0)]]))
    x = torch.tensor([[0.0, 0.0], [1.0, 3.0]])
    ref = torch.distributions.Normal(torch.tensor([1.0, -1.0]), torch.tensor([1.0, 2.0]))
    assert torch.allclose(model.log_prob(x), ref.log_prob(x).sum(-1), atol=1e-5)


def test_log_prob_coincide_con_mixture_same_family() -> None:
    torch.manual_seed(0)
    model = GaussianMixture(3, 2)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    ref = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(logits=model.logits.detach()),
        torch.distributions.Independent(
            torch.distributions.Normal(model.means.detach(), model.log_stds.detach().exp()), 1
        ),
    )
    x = torch.randn(50, 2)
    assert torch.allclose(model.log_prob(x), ref.log_prob(x), atol=1e-5)
    assert model.log_prob(x).shape == (50,)
    assert torch.isclose(model.nll(x), -ref.log_prob(x).mean(), atol=1e-5)


def test_el_ajuste_reduce_la_nll_y_encuentra_los_modos() -> None:
    x = _toy()
    model, losses = fit_mixture(x, 3, steps=300, lr=0.05, seed=0, progress=False)
    assert len(losses) == 300 and losses[-1] < losses[0] - 1.0
    single, _ = fit_mixture(x, 1, steps=300, lr=0.05, seed=0, progress=False)
    assert model.nll(x).item() < single.nll(x).item() - 1.0
    means = model.means.detach()
    for center in ([-3.0, 0.0], [3.0, 0.0], [0.0, 3.0]):
        assert (means - torch.tensor(center)).norm(dim=1).min() < 0.3


def test_ajuste_reproducible_con_la_semilla() -> None:
    x = _toy(200)
    _, a = fit_mixture(x, 3, steps=20, seed=1, progress=False)
    _, b = fit_mixture(x, 3, steps=20, seed=1, progress=False)
    assert a == b


def test_muestras_con_forma_y_distribucion_correctas() -> None:
    x = _toy()
    model, _ = fit_mixture(x, 3, steps=300, seed=0, progress=False)
    s1 = model.sample(2000, generator=torch.Generator().manual_seed(0))
    s2 = model.sample(2000, generator=torch.Generator().manual_seed(0))
    assert s1.shape == (2000, 2) and torch.equal(s1, s2) and not s1.requires_grad
    assert torch.allclose(s1.mean(0), x.mean(0), atol=0.3)


def test_pesos_suman_uno() -> None:
    assert torch.isclose(GaussianMixture(4, 3).weights.sum(), torch.tensor(1.0))


@pytest.mark.parametrize(("k", "d", "name"), [(0, 2, "n_components"), (2, -1, "dim")])
def test_tamanos_invalidos(k: int, d: int, name: str) -> None:
    with pytest.raises((ValueError, TypeError), match=name):
        GaussianMixture(k, d)


def test_datos_con_forma_incorrecta() -> None:
    with pytest.raises((ValueError, TypeError), match="x"):
        GaussianMixture(2, 2).log_prob(torch.zeros(5, 3))
    with pytest.raises((ValueError, TypeError), match="x"):
        fit_mixture(torch.zeros(5), 2, steps=1)


def test_pasos_negativos_dan_error() -> None:
    with pytest.raises((ValueError, TypeError), match="steps"):
        fit_mixture(_toy(10), 2, steps=-5)


def test_la_receta_del_cuaderno_1_1_supera_a_una_gaussiana() -> None:
    from genai_utils.data import toy_2d
    from genai_utils.recipes import get_recipe

    receta = get_recipe("mezcla_gaussianas")
    datos = receta.training
    x = toy_2d("gaussian_mixture", n=datos["n_points"], seed=receta.seed, noise=datos["noise"])
    x_train, x_test = x[: datos["n_train"]], x[datos["n_train"] :]
    mezcla, _ = fit_mixture(x_train, n_components=receta.model["n_components"],
                            steps=datos["steps"], lr=datos["lr"], seed=receta.seed, progress=False)
    una, _ = fit_mixture(x_train, n_components=1, steps=datos["steps"], lr=datos["lr"],
                         seed=receta.seed, progress=False)
    with torch.no_grad():
        assert mezcla.nll(x_test).item() < una.nll(x_test).item() - 0.6
    assert mezcla.means.shape == (receta.model["n_components"], 2)
