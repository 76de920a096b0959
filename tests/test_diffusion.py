"""Pruebas de genai_utils.diffusion (y de las métricas que usa el capítulo 4)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from genai_utils.data import load_digits
from genai_utils.diffusion import (
    DigitDenoiser,
    ToyDenoiser,
    ddim_sample,
    ddpm_sample,
    diffusion_loss,
    digit_sampler,
    guided_noise,
    make_schedule,
    q_mean_std,
    q_sample,
    q_step,
    sinusoidal_embedding,
    timestep_sequence,
    to_image_space,
    to_model_space,
    train_denoiser,
    train_digit_denoiser,
    train_digit_generator,
)
from genai_utils.metrics import (
    compare_digit_generators,
    energy_distance,
    format_comparison,
)
from genai_utils.training import limit_threads


@pytest.fixture(autouse=True)
def _un_hilo():
    """Redes diminutas: con un hilo van más rápido (y no compiten con otros procesos)."""
    with limit_threads(1):
        yield


# ------------------------------------------------------------------ calendarios
@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_calendario_monotono_y_en_rango(kind: str) -> None:
    s = make_schedule(100, kind)
    assert s.n_steps == 100
    assert s.betas.shape == s.alphas.shape == s.alpha_bars.shape == (100,)
    assert ((s.betas > 0) & (s.betas < 1)).all()
    assert torch.allclose(s.alphas, 1 - s.betas)
    assert ((s.alpha_bars > 0) & (s.alpha_bars < 1)).all()
    assert (s.alpha_bars[1:] < s.alpha_bars[:-1]).all(), "ᾱ_t debe decrecer"
    assert s.alpha_bars[0] > 0.98 and s.alpha_bars[-1] < 1e-3, "de casi datos a casi ruido"
    post = s.posterior_variances
    assert post[0] == 0 and (post[1:] > 0).all() and (post <= s.betas + 1e-7).all()


def test_calendario_lineal_extremos() -> None:
    s = make_schedule(1000)
    assert s.betas[0].item() == pytest.approx(1e-4) and s.betas[-1].item() == pytest.approx(0.02)
    assert (s.betas[1:] > s.betas[:-1]).all()
    short = make_schedule(100)  # reescalado por 1000 / T
    assert short.betas[0].item() == pytest.approx(1e-3)
    assert short.betas[-1].item() == pytest.approx(0.2)
    assert torch.allclose(s.alpha_bars, torch.cumprod(1 - s.betas.double(), 0).float())


def test_calendario_errores() -> None:
    with pytest.raises(ValueError, match="`kind`"):
        make_schedule(10, "cuadrático")
    with pytest.raises(ValueError, match="`n_steps`"):
        make_schedule(0)
    with pytest.raises(ValueError, match="`beta_end`"):
        make_schedule(10, beta_start=0.1, beta_end=0.01)
    with pytest.raises(ValueError, match="`beta_start`"):
        make_schedule(10, "cosine", beta_start=0.1)


# ------------------------------------------------------------------ proceso directo
def test_forma_cerrada_igual_a_la_composicion_exacta_de_pasos() -> None:
    """Componer t + 1 pasos N(√(1−β) m, (1−β) v + β) da N(√ᾱ x0, 1 − ᾱ): en aritmética exacta."""
    s = make_schedule(50)
    x0 = torch.tensor([[1.5, -2.0]])
    mean, var = x0.double(), torch.zeros(1, 2, dtype=torch.float64)
    for t in range(50):
        beta = s.betas[t].double()
        mean, var = (1 - beta).sqrt() * mean, (1 - beta) * var + beta
        m_closed, std_closed = q_mean_std(x0, t, s)
        assert torch.allclose(m_closed.double(), mean, atol=1e-5)
        assert torch.allclose(std_closed.double() ** 2, var, atol=1e-5)


def test_forma_cerrada_igual_a_los_pasos_sorteados() -> None:
    """Media y varianza empíricas de t pasos sorteados frente a q(x_t | x_0)."""
    s = make_schedule(50)
    x0 = torch.tensor([[1.5, -2.0]]).repeat(40_000, 1)
    g = torch.Generator().manual_seed(0)
    x = x0
    for t in range(30):
        x = q_step(x, t, s, generator=g)
    mean, std = q_mean_std(x0, 29, s)
    assert torch.allclose(x.mean(0), mean[0], atol=0.02)
    assert torch.allclose(x.var(0), std[0] ** 2, atol=0.02)
    direct, _ = q_sample(x0, 29, s, generator=g)
    assert torch.allclose(direct.mean(0), x.mean(0), atol=0.03)
    assert torch.allclose(direct.var(0), x.var(0), atol=0.03)


def test_q_sample_con_ruido_dado_y_errores() -> None:
    s = make_schedule(10)
    x0, noise = torch.ones(3, 2), torch.full((3, 2), 0.5)
    t = torch.tensor([0, 4, 9])
    xt, eps = q_sample(x0, t, s, noise)
    a = s.alpha_bars[t][:, None]
    assert eps is noise and torch.allclose(xt, a.sqrt() + (1 - a).sqrt() * 0.5)
    with pytest.raises(ValueError, match="`t`.*entre 0 y 9"):
        q_sample(x0, 10, s)
    with pytest.raises(ValueError, match="`t`"):
        q_sample(x0, torch.tensor([0, 1]), s)
    with pytest.raises(TypeError, match="`t`"):
        q_sample(x0, torch.tensor([0.0, 1.0, 2.0]), s)
    with pytest.raises(ValueError, match="`noise`"):
        q_sample(x0, 0, s, torch.ones(3, 3))
    with pytest.raises(TypeError, match="`schedule`"):
        q_sample(x0, 0, "lineal")
    with pytest.raises(TypeError, match="`x0`"):
        q_sample(torch.ones(3, 2, dtype=torch.long), 0, s)


# ------------------------------------------------------------------ redes y pérdida
def test_codificacion_sinusoidal() -> None:
    emb = sinusoidal_embedding(torch.tensor([0, 5, 10]), 8)
    assert emb.shape == (3, 8)
    assert torch.allclose(emb[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    assert torch.allclose(emb.pow(2).sum(1), torch.full((3,), 4.0))
    with pytest.raises(ValueError, match="`dim`"):
        sinusoidal_embedding(torch.tensor([1]), 7)


def test_redes_formas_y_condicion() -> None:
    torch.manual_seed(0)
    toy = ToyDenoiser(20)
    t = torch.tensor([0, 19, 5])
    assert toy(torch.randn(3, 2), t).shape == (3, 2)
    with pytest.raises(ValueError, match="no es condicional"):
        toy(torch.randn(3, 2), t, torch.tensor([0, 1, 2]))
    digits = DigitDenoiser(20, width=32)
    x = torch.randn(3, 1, 8, 8)
    labels = torch.tensor([1, 2, 3])
    out = digits(x, t, labels)
    assert out.shape == (3, 1, 8, 8)
    assert not torch.allclose(out, digits(x, t)), "la etiqueta debe cambiar la predicción"
    assert torch.allclose(digits(x, t), digits(x, t, torch.full((3,), 10)))  # 10 = nula
    with pytest.raises(ValueError, match="`x`.*64"):
        digits(torch.randn(3, 1, 4, 4), t)


def test_perdida_escalar_y_sin_etiquetas_con_p_uncond_1() -> None:
    torch.manual_seed(0)
    model, s = DigitDenoiser(20, width=32), make_schedule(20)
    x, y = torch.rand(8, 1, 8, 8), torch.arange(8)
    loss = diffusion_loss(model, x, s, y, generator=torch.Generator().manual_seed(1))
    assert loss.ndim == 0 and loss.requires_grad and math.isfinite(loss.item())
    # p_uncond = 1: todas las etiquetas pasan a ser la nula, como si no hubiera etiquetas
    dropped = diffusion_loss(model, x, s, y, p_uncond=1.0,
                             generator=torch.Generator().manual_seed(1))
    plain = diffusion_loss(model, x, s, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(dropped, plain)
    with pytest.raises(ValueError, match="`labels`.*entre 0 y 9"):
        diffusion_loss(model, x, s, torch.full((8,), 10))
    with pytest.raises(ValueError, match="no es condicional"):
        diffusion_loss(ToyDenoiser(20), torch.randn(8, 2), s, y)
    with pytest.raises(ValueError, match="`p_uncond`"):
        diffusion_loss(model, x, s, y, p_uncond=1.5)


# ------------------------------------------------------------------ muestreo
class _ExactDenoiser(nn.Module):
    """Predictor de ruido perfecto cuando todos los datos son el mismo punto ``target``."""

    num_classes = 0

    def __init__(self, target: torch.Tensor, schedule) -> None:
        super().__init__()
        self.target, self.schedule = target, schedule

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels=None) -> torch.Tensor:
        a = self.schedule.alpha_bars[t][:, None]
        return (x - a.sqrt() * self.target) / (1 - a).sqrt()


def test_con_el_ruido_exacto_los_muestreadores_llegan_al_dato() -> None:
    s = make_schedule(50)
    target = torch.tensor([0.7, -1.2])
    model = _ExactDenoiser(target, s)
    g = torch.Generator().manual_seed(0)
    for x in (ddpm_sample(model, s, (5, 2), generator=g),
              ddim_sample(model, s, (5, 2), n_steps=5, generator=g),
              ddim_sample(model, s, (5, 2), n_steps=1, generator=g)):
        assert torch.allclose(x, target.expand(5, 2), atol=1e-4)


def test_muestreadores_forma_y_reproducibilidad() -> None:
    torch.manual_seed(0)
    model, s = ToyDenoiser(30, width=16), make_schedule(30)

    def run(sampler, seed: int, **kw):
        return sampler(model, s, (7, 2), generator=torch.Generator().manual_seed(seed), **kw)

    a, traj = run(ddpm_sample, 0, return_trajectory=True)
    assert a.shape == (7, 2) and traj.shape == (31, 7, 2)
    assert torch.equal(traj[-1], a)
    assert torch.equal(a, run(ddpm_sample, 0)), "misma semilla, misma muestra"
    assert not torch.equal(a, run(ddpm_sample, 1))
    d, dtraj = run(ddim_sample, 0, n_steps=10, return_trajectory=True)
    assert dtraj.shape == (11, 7, 2) and torch.equal(d, run(ddim_sample, 0, n_steps=10))
    # DDIM con η = 1 y los T pasos es el muestreo ancestral de DDPM
    assert torch.allclose(run(ddim_sample, 0, eta=1.0), a, atol=1e-4)
    assert torch.allclose(run(ddim_sample, 0, eta=1.0, clip=1.0),
                          run(ddpm_sample, 0, clip=1.0), atol=1e-4)
    # DDIM con η = 0 es determinista dado x_T: solo sortea el ruido inicial
    assert torch.equal(dtraj[0], traj[0])
    with pytest.raises(ValueError, match="`n_steps`"):
        ddim_sample(model, s, (2, 2), n_steps=31)
    with pytest.raises(ValueError, match="`eta`"):
        ddim_sample(model, s, (2, 2), eta=-1.0)
    # Las opciones comunes se escriben una vez (en el bucle común); un nombre mal escrito da la
    # lista de las que valen, con las propias de DDIM.
    with pytest.raises(TypeError, match=r"`ddpm_sample` no admite `guidence`.*labels, guidance"):
        ddpm_sample(model, s, (2, 2), guidence=2.0)
    with pytest.raises(TypeError, match=r"no admite `n_step`.*n_steps, eta, labels"):
        ddim_sample(model, s, (2, 2), n_step=5)
    with pytest.raises(ValueError, match="`shape`"):
        ddpm_sample(model, s, [2, 2])


def test_secuencia_de_pasos() -> None:
    s = make_schedule(100)
    steps = timestep_sequence(10, s)
    assert len(steps) == 10 and steps[0] == 99 and steps[-1] == 0
    assert (steps[1:] < steps[:-1]).all()
    assert torch.equal(timestep_sequence(100, s), torch.arange(99, -1, -1))
    assert torch.equal(timestep_sequence(1, s), torch.tensor([99]))


def test_guia_sin_clasificador() -> None:
    torch.manual_seed(0)
    model = DigitDenoiser(10, width=16)
    x, t, y = torch.randn(4, 1, 8, 8), torch.full((4,), 3), torch.tensor([0, 1, 2, 3])
    cond, uncond = model(x, t, y), model(x, t)
    assert torch.allclose(guided_noise(model, x, t, y, 1.0), cond, atol=1e-6)
    assert torch.allclose(guided_noise(model, x, t, y, 0.0), uncond, atol=1e-6)
    assert torch.allclose(guided_noise(model, x, t, y, 3.0), uncond + 3 * (cond - uncond),
                          atol=1e-5)
    assert torch.allclose(guided_noise(model, x, t), uncond)
    with pytest.raises(ValueError, match="`guidance`"):
        guided_noise(model, x, t, y, -1.0)
    with pytest.raises(ValueError, match="`labels`"):
        ddim_sample(model, make_schedule(10), (4, 1, 8, 8), labels=torch.tensor([1, 2]))


# ------------------------------------------------------------------ entrenamiento
def test_entrenamiento_reproducible_y_aprende() -> None:
    s = make_schedule(50)
    noise = torch.randn(256, 2, generator=torch.Generator().manual_seed(0))
    data = noise * 0.1 + torch.tensor([2.0, -1.0])

    def train(seed: int):
        torch.manual_seed(0)
        model = ToyDenoiser(50, width=32, depth=2)
        history = train_denoiser(model, data, s, steps=200, batch_size=64, seed=seed,
                                 device="cpu", progress=False, log_every=50)
        return model, history

    m1, h1 = train(0)
    m2, h2 = train(0)
    assert len(h1.losses) == 4 and h1.losses == h2.losses
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters(), strict=True))
    assert h1.losses[-1] < 0.3 * h1.losses[0], "la pérdida debe bajar"
    _, h3 = train(1)
    assert h3.losses != h1.losses, "otra semilla, otros minilotes"
    with pytest.raises(ValueError, match="`steps`"):
        train_denoiser(m1, data, s, steps=0)
    with pytest.raises(TypeError, match="`model`"):
        train_denoiser("red", data, s)


def test_escalas_de_imagen() -> None:
    x = torch.tensor([0.0, 0.25, 1.0])
    assert torch.allclose(to_model_space(x), torch.tensor([-1.0, -0.5, 1.0]))
    assert torch.allclose(to_image_space(torch.tensor([-2.0, 0.0, 3.0])),
                          torch.tensor([0.0, 0.5, 1.0]))


def test_generador_de_digitos_protocolo_comun() -> None:
    labels = torch.tensor([0, 3, 3, 9])
    generate = train_digit_generator(seed=0, steps=30, progress=False, device="cpu")
    images = generate(labels)
    assert images.shape == (4, 1, 8, 8) and images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1
    assert torch.equal(images, generate(labels)), "cada llamada debe ser reproducible"
    again = train_digit_generator(seed=0, steps=30, progress=False, device="cpu")
    assert torch.equal(images, again(labels)), "la misma semilla debe dar el mismo modelo"
    model, schedule, history = train_digit_denoiser(steps=30, seed=1, progress=False,
                                                    device="cpu")
    assert model.num_classes == 10 and schedule.n_steps == 200 and history.losses
    with pytest.raises(ValueError, match="`n_steps`"):
        digit_sampler(model, schedule, n_steps=0)


# ------------------------------------------------------------------ métricas del capítulo
def test_distancia_de_energia_a_mano() -> None:
    a, b = torch.tensor([[0.0], [2.0]]), torch.tensor([[1.0]])
    assert energy_distance(a, b) == pytest.approx(1.0)  # 2·1 − 1 − 0
    assert energy_distance(torch.tensor([[0.0]]), b) == pytest.approx(2.0)
    x = torch.randn(50, 2, generator=torch.Generator().manual_seed(0))
    assert energy_distance(x, x) == pytest.approx(0.0, abs=1e-9)
    assert energy_distance(x, x + 3) > energy_distance(x, x + 1) > 0
    with pytest.raises(ValueError, match="misma dimensión"):
        energy_distance(x, torch.randn(5, 3))
    with pytest.raises(ValueError, match="`b`"):
        energy_distance(x, torch.randn(5, 2, 1))


def test_comparacion_de_generadores() -> None:
    split = load_digits()
    by_class = [split.x_test[split.y_test == c] for c in range(10)]

    def real(labels: torch.Tensor) -> torch.Tensor:  # devuelve dígitos reales de cada clase
        counts = torch.zeros(10, dtype=torch.long)
        out = []
        for c in labels.tolist():
            out.append(by_class[c][counts[c] % len(by_class[c])])
            counts[c] += 1
        return torch.stack(out)

    def noise(labels: torch.Tensor) -> torch.Tensor:
        return torch.rand(len(labels), 1, 8, 8, generator=torch.Generator().manual_seed(0))

    scores = compare_digit_generators({"reales": real, "ruido": noise}, per_class=20)
    assert [s.name for s in scores] == ["reales", "ruido"]
    assert scores[0].accuracy > 0.9 and scores[1].accuracy < 0.3
    assert scores[0].fd < scores[1].fd and all(s.seconds >= 0 for s in scores)
    table = format_comparison(scores, baseline=2.0).splitlines()
    assert len(table) == 4 and "dígitos reales" in table[1]
    assert table[2].startswith("reales") and table[2].endswith(" s")
    with pytest.raises(ValueError, match="'malo'.*\\(20, 1, 8, 8\\)"):
        compare_digit_generators({"malo": lambda y: torch.rand(len(y), 64)}, per_class=2)
    with pytest.raises(ValueError, match="`generators`"):
        compare_digit_generators({})


def test_dígitos_leen_la_receta(monkeypatch) -> None:
    from genai_utils import diffusion as diffusion_module
    from genai_utils.diffusion import digits as digits_module
    from genai_utils.recipes import get_recipe

    receta = get_recipe("difusion_digitos")
    assert diffusion_module.DIGIT_STEPS == receta.model["schedule_steps"]
    variante = receta.with_model(schedule_steps=20, schedule="linear", hidden=16, blocks=1)
    variante = variante.with_training(steps=3, sample_steps=4, guidance=0.0)
    monkeypatch.setattr(digits_module, "get_recipe", lambda name: variante)
    model, schedule, history = diffusion_module.train_digit_denoiser(progress=False, device="cpu")
    assert schedule.n_steps == 20 and model.n_steps == 20
    assert model.inp.out_features == 16 and len(model.blocks) == 1
    assert len(history.losses) == 1  # 3 pasos: un solo tramo registrado
    llamadas = []
    original = diffusion_module.ddim_sample

    def ddim_espia(*args, **kwargs):
        llamadas.append((kwargs["n_steps"], kwargs["guidance"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(digits_module, "ddim_sample", ddim_espia)
    images = diffusion_module.digit_sampler(model, schedule)(torch.tensor([0, 1]))
    assert images.shape == (2, 1, 8, 8)
    assert llamadas == [(4, 0.0)]
