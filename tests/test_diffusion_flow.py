"""Pruebas del emparejamiento de flujos (genai_utils.diffusion.flow)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genai_utils.data import toy_2d
from genai_utils.diffusion import (
    DigitDenoiser,
    ToyDenoiser,
    flow_interpolate,
    flow_loss,
    flow_sample,
    train_digit_flow,
    train_flow,
)
from genai_utils.recipes import get_recipe


def test_extremos_del_camino() -> None:
    g = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(6, 2, generator=g), torch.randn(6, 2, generator=g)
    assert torch.equal(flow_interpolate(x0, eps, 0.0), x0)  # t = 0: los datos
    assert torch.equal(flow_interpolate(x0, eps, 1.0), eps)  # t = 1: el ruido
    t = torch.linspace(0, 1, 6)
    medio = flow_interpolate(x0, eps, t)
    assert torch.allclose(medio, (1 - t)[:, None] * x0 + t[:, None] * eps)
    imagenes = torch.randn(3, 1, 8, 8, generator=g)
    ruido = torch.randn(3, 1, 8, 8, generator=g)
    mezcla = flow_interpolate(imagenes, ruido, torch.tensor([0.0, 0.5, 1.0]))
    assert torch.allclose(mezcla[2], ruido[2]) and torch.allclose(mezcla[0], imagenes[0])


def test_perdida_forma_y_finita() -> None:
    torch.manual_seed(0)
    modelo = ToyDenoiser(200, width=16, depth=1)
    x = toy_2d("swiss_roll", 64, seed=0)
    perdida = flow_loss(modelo, x, generator=torch.Generator().manual_seed(0))
    assert perdida.ndim == 0 and torch.isfinite(perdida)
    otra = flow_loss(modelo, x, generator=torch.Generator().manual_seed(0))
    assert torch.equal(perdida, otra)
    digitos = DigitDenoiser(200, width=16, depth=1)
    imagenes = torch.rand(8, 1, 8, 8) * 2 - 1
    etiquetas = torch.arange(8)
    assert torch.isfinite(flow_loss(digitos, imagenes, etiquetas, p_uncond=0.5))


class _VelocidadExacta(nn.Module):
    """Velocidad media exacta del camino recto de N(m, s²) (datos) a N(0, 1) (ruido)."""

    def __init__(self, m: float, s: float) -> None:
        super().__init__()
        self.m, self.s = m, s

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: object = None) -> torch.Tensor:
        t = t.reshape(-1, *[1] * (x.ndim - 1))
        a = 1 - t
        var = a**2 * self.s**2 + t**2
        return -self.m + (t - a * self.s**2) / var * (x - a * self.m)


def test_euler_con_la_velocidad_exacta_llega_al_objetivo() -> None:
    modelo = _VelocidadExacta(m=2.0, s=0.5)
    x = flow_sample(modelo, (20_000, 1), n_steps=200, generator=torch.Generator().manual_seed(0))
    assert abs(float(x.mean()) - 2.0) < 0.02
    assert abs(float(x.std()) - 0.5) < 0.02
    # Con un camino recto de gaussianas, un paso de Euler ya da la media correcta.
    uno = flow_sample(modelo, (20_000, 1), n_steps=1, generator=torch.Generator().manual_seed(0))
    assert abs(float(uno.mean()) - 2.0) < 0.05


def test_muestreo_determinista_con_semilla_y_trayectoria() -> None:
    torch.manual_seed(0)
    modelo = ToyDenoiser(200, width=16, depth=1)
    a = flow_sample(modelo, (10, 2), n_steps=4, generator=torch.Generator().manual_seed(3))
    b, tray = flow_sample(modelo, (10, 2), n_steps=4, generator=torch.Generator().manual_seed(3),
                          return_trajectory=True)
    assert torch.equal(a, b) and tray.shape == (5, 10, 2) and torch.equal(tray[-1], b)
    digitos = DigitDenoiser(200, width=16, depth=1)
    x = flow_sample(digitos, (4, 1, 8, 8), n_steps=3, labels=torch.arange(4), guidance=2.0,
                    clip=1.0, generator=torch.Generator().manual_seed(0))
    assert x.shape == (4, 1, 8, 8) and torch.isfinite(x).all()


def test_errores_en_espanol() -> None:
    modelo = ToyDenoiser(200, width=16, depth=1)
    x = torch.zeros(4, 2)
    with pytest.raises(ValueError, match="`noise`"):
        flow_interpolate(x, torch.zeros(4, 3), 0.5)
    with pytest.raises(ValueError, match="`t`"):
        flow_interpolate(x, x, 1.5)
    with pytest.raises(ValueError, match="`t`"):
        flow_interpolate(x, x, torch.zeros(3))
    with pytest.raises(ValueError, match="`shape`"):
        flow_sample(modelo, (0, 2))
    with pytest.raises(ValueError, match="`n_steps`"):
        flow_sample(modelo, (4, 2), n_steps=0)
    with pytest.raises(ValueError, match="`p_uncond`"):
        flow_loss(modelo, x, p_uncond=2.0)
    with pytest.raises(ValueError, match="condicional"):
        flow_loss(modelo, x, torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="`steps`"):
        train_flow(modelo, x, steps=0)
    with pytest.raises((TypeError, ValueError), match="`x0`"):
        flow_loss(modelo, torch.zeros(4, dtype=torch.long))


def test_entrenamiento_diminuto_baja_la_perdida_y_es_reproducible() -> None:
    datos = toy_2d("swiss_roll", 256, seed=0)

    def entrenar() -> tuple[list[float], torch.Tensor]:
        torch.manual_seed(0)
        modelo = ToyDenoiser(200, width=32, depth=2)
        hist = train_flow(modelo, datos, steps=150, batch_size=64, lr=3e-3, seed=0,
                          progress=False, log_every=50)
        return hist.losses, flow_sample(modelo, (8, 2), n_steps=5,
                                        generator=torch.Generator().manual_seed(0))

    perdidas, muestras = entrenar()
    otra, muestras2 = entrenar()
    assert perdidas == otra and torch.equal(muestras, muestras2)
    assert len(perdidas) == 3 and perdidas[-1] < perdidas[0]


def test_digitos_con_la_receta_y_pocos_pasos() -> None:
    modelo, hist = train_digit_flow(steps=5, progress=False)
    receta = get_recipe("flujo_digitos")
    assert modelo.blocks.__len__() == receta.model["blocks"] and len(hist.losses) == 1
    # El mismo presupuesto que la difusión con la que se compara.
    ddpm = get_recipe("difusion_digitos")
    for clave in ("steps", "batch_size", "lr", "ema_decay", "p_uncond", "guidance"):
        assert receta.training[clave] == ddpm.training[clave]
    plano, rollo = get_recipe("flujo_2d"), get_recipe("difusion_rollo")
    assert dict(plano.training) == dict(rollo.training)
    for clave in ("width", "depth"):
        assert plano.model[clave] == rollo.model[clave]
