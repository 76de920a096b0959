"""Pruebas de los conjuntos de datos: dígitos de scikit-learn y distribuciones en 2-D."""

from __future__ import annotations

import pytest
import torch

from genai_utils.data import (
    TOY_2D_NAMES,
    DigitsSplit,
    flatten_images,
    load_digits,
    toy_2d,
    unflatten_images,
)


def test_digitos_formas_tipos_y_rango() -> None:
    split = load_digits()
    assert isinstance(split, DigitsSplit)
    assert split.x_train.shape == (1437, 1, 8, 8)
    assert split.x_test.shape == (360, 1, 8, 8)
    assert split.x_train.dtype == torch.float32
    assert split.y_train.dtype == torch.int64
    assert split.x_train.min() >= 0 and split.x_train.max() == 1
    assert len(split.y_test) == len(split.x_test)


def test_digitos_estratificados_y_reproducibles() -> None:
    a, b, c = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.y_test, c.y_test)
    counts = torch.bincount(a.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37


def test_aplanar_y_desaplanar() -> None:
    split = load_digits(test_fraction=0.5)
    train, test = split.flat()
    assert train.shape[1] == 64 and test.shape == (len(split.x_test), 64)
    assert torch.equal(unflatten_images(test), split.x_test)
    assert flatten_images(split.x_test[:, 0]).shape == (len(split.x_test), 64)
    with pytest.raises(ValueError, match="`x`"):
        flatten_images(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="`x`"):
        unflatten_images(torch.zeros(2, 63))


@pytest.mark.parametrize("bad", [0, 1, 0.001, -0.2])
def test_digitos_fraccion_invalida(bad: float) -> None:
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=bad)


@pytest.mark.parametrize(("name", "k"), [("gaussian_mixture", 8), ("rings", 2),
                                         ("swiss_roll", 3), ("moons", 2)])
def test_toy_2d_formas_escala_y_etiquetas(name: str, k: int) -> None:
    x, y = toy_2d(name, 2000, seed=3, return_labels=True)
    assert x.shape == (2000, 2) and x.dtype == torch.float32
    assert y.shape == (2000,) and y.dtype == torch.int64
    assert set(y.tolist()) == set(range(k))
    assert x.abs().max() < 4.5
    assert ((x.std(dim=0) > 0.8) & (x.std(dim=0) < 2.5)).all()


def test_toy_2d_componentes_con_sentido() -> None:
    x, y = toy_2d("rings", 1000, noise=0.0, return_labels=True)
    radius = x.norm(dim=1)
    assert radius[y == 0].max() < radius[y == 1].min()
    x, y = toy_2d("gaussian_mixture", 1000, noise=0.0, return_labels=True)
    assert torch.allclose(x.norm(dim=1), torch.full((1000,), 3.0), atol=1e-5)


def test_toy_2d_reproducible_sin_tocar_el_azar_global() -> None:
    torch.manual_seed(123)
    state = torch.get_rng_state()
    assert torch.equal(toy_2d("moons", 100, seed=5), toy_2d("moons", 100, seed=5))
    assert not torch.equal(toy_2d("moons", 100, seed=5), toy_2d("moons", 100, seed=6))
    assert torch.equal(torch.get_rng_state(), state)
    assert isinstance(toy_2d("swiss_roll", 10), torch.Tensor)


def test_toy_2d_errores() -> None:
    with pytest.raises(ValueError, match=r"`name`.*gaussian_mixture.*moons"):
        toy_2d("espiral")
    with pytest.raises(ValueError, match="`n`"):
        toy_2d("moons", 0)
    with pytest.raises(ValueError, match="`noise`"):
        toy_2d("moons", noise=-0.1)
    assert TOY_2D_NAMES == ("gaussian_mixture", "rings", "swiss_roll", "moons")
