"""Pruebas del módulo de redes generativas antagónicas (genai_utils.gan)."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.data import toy_2d
from genai_utils.gan import (
    RING_RADIUS,
    RING_STD,
    Discriminator,
    Generator,
    adam_pair,
    digit_discriminator,
    digit_generator,
    discriminator_loss,
    generator_loss,
    mode_coverage,
    optimal_discriminator,
    ring_centers,
    sample,
    sample_ring,
    train_digit_generator,
    train_gan,
    train_step,
)
from genai_utils.training import limit_threads


def _tiny_pair(seed: int = 0, conditional: bool = False) -> tuple[Generator, Discriminator]:
    n_classes = 3 if conditional else 0
    torch.manual_seed(seed)
    return (Generator(2, 2, hidden=16, n_classes=n_classes),
            Discriminator(2, hidden=16, n_classes=n_classes))


# ------------------------------------------------------------------ el anillo y la cobertura
def test_centros_del_anillo() -> None:
    centers = ring_centers()
    assert centers.shape == (8, 2)
    assert torch.allclose(centers.norm(dim=1), torch.full((8,), RING_RADIUS))
    assert torch.allclose(centers[2], torch.tensor([0.0, 3.0]), atol=1e-6)
    with pytest.raises(ValueError, match="`n_modes`"):
        ring_centers(0)


def test_muestras_del_anillo_como_toy_2d() -> None:
    x = sample_ring(4000, seed=1)
    assert x.shape == (4000, 2) and x.dtype == torch.float32
    assert torch.equal(x, sample_ring(4000, seed=1))
    assert not torch.equal(x, sample_ring(4000, seed=2))
    # la misma distribución que toy_2d("gaussian_mixture"): radio 3 y σ = 0,2
    for points in (x, toy_2d("gaussian_mixture", 4000)):
        stats = mode_coverage(points)
        assert stats.modes_covered == 8
        assert stats.high_quality > 0.98  # dentro de 3σ en 2-D: 1 − e^(−9/2) ≈ 0,989
        assert all(0.1 < f < 0.15 for f in stats.fractions)


def test_cobertura_a_mano() -> None:
    centers = ring_centers()
    far = torch.tensor([[0.0, 0.0]])
    samples = torch.cat([centers[0].repeat(6, 1), centers[3].repeat(3, 1), far])
    stats = mode_coverage(samples)
    assert stats.fractions[0] == pytest.approx(0.6) and stats.fractions[3] == pytest.approx(0.3)
    assert stats.modes_covered == 2
    assert stats.high_quality == pytest.approx(0.9)
    # un punto a 2,9σ del modo cuenta; uno a 3,1σ, no
    near = centers[:1] + torch.tensor([[2.9 * RING_STD, 0.0]])
    out = centers[:1] + torch.tensor([[3.1 * RING_STD, 0.0]])
    assert mode_coverage(torch.cat([near, out])).high_quality == 0.5
    assert "2/8" in str(stats) and "90,0\u00a0%" in str(stats)


def test_cobertura_errores() -> None:
    with pytest.raises(ValueError, match="`samples`"):
        mode_coverage(torch.zeros(5, 3))
    with pytest.raises(TypeError, match="`samples`"):
        mode_coverage(torch.zeros(5, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="`threshold`"):
        mode_coverage(torch.zeros(5, 2), threshold=1.5)


# ------------------------------------------------------------------ las redes
def test_formas_de_las_redes() -> None:
    g, d = _tiny_pair()
    z = torch.randn(5, 2)
    assert g(z).shape == (5, 2)
    assert d(g(z)).shape == (5,)
    gd, dd = digit_generator(), digit_discriminator()
    labels = torch.arange(4)
    images = gd(torch.randn(4, gd.latent_dim), labels)
    assert images.shape == (4, 1, 8, 8)
    assert images.min() >= 0 and images.max() <= 1
    assert dd(images, labels).shape == (4,)
    sn = digit_discriminator(conditional=False, spectral_norm=True)
    assert sn(images).shape == (4,)


def test_la_etiqueta_cambia_la_salida() -> None:
    g, d = _tiny_pair(conditional=True)
    z = torch.randn(1, 2).repeat(3, 1)
    out = g(z, torch.tensor([0, 1, 2]))
    assert not torch.allclose(out[0], out[1]) and not torch.allclose(out[1], out[2])
    assert d(out, torch.tensor([0, 1, 2])).shape == (3,)


def test_errores_de_las_redes() -> None:
    g, d = _tiny_pair()
    gc, _ = _tiny_pair(conditional=True)
    with pytest.raises(ValueError, match="`z`"):
        g(torch.randn(4, 3))
    with pytest.raises(ValueError, match="no es condicional"):
        g(torch.randn(4, 2), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="es condicional"):
        gc(torch.randn(4, 2))
    with pytest.raises(ValueError, match="entre 0 y 2"):
        gc(torch.randn(2, 2), torch.tensor([0, 3]))
    with pytest.raises(TypeError, match="`labels`"):
        gc(torch.randn(2, 2), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="una etiqueta por fila"):
        gc(torch.randn(2, 2), torch.tensor([0]))
    with pytest.raises(ValueError, match=r"`x`.*\(N, 2\)"):
        d(torch.randn(4, 3))
    with pytest.raises(ValueError, match="`out_activation`"):
        Generator(2, 2, out_activation="relu")
    with pytest.raises(ValueError, match="`hidden`"):
        Discriminator(2, hidden=0)


# ------------------------------------------------------------------ las pérdidas
def test_perdidas_a_mano() -> None:
    zero = torch.zeros(4)
    log2 = math.log(2)
    # D = 1/2 en todas partes: la pérdida de D es 2·log 2 y la del generador, ±log 2
    assert discriminator_loss(zero, zero).item() == pytest.approx(2 * log2)
    assert generator_loss(zero).item() == pytest.approx(log2)
    assert generator_loss(zero, "minimax").item() == pytest.approx(-log2)
    # D(x) = sigmoid(log 3) = 3/4 en los reales y D(G(z)) = sigmoid(−log 3) = 1/4 en los falsos
    real, fake = torch.full((3,), math.log(3)), torch.full((3,), -math.log(3))
    assert discriminator_loss(real, fake).item() == pytest.approx(-2 * math.log(0.75))
    assert generator_loss(fake).item() == pytest.approx(-math.log(0.25))
    assert generator_loss(fake, "minimax").item() == pytest.approx(math.log(0.75))
    # estable con logits enormes (sin inf ni NaN)
    big = torch.tensor([1000.0, -1000.0])
    assert math.isfinite(discriminator_loss(big, big).item())
    assert generator_loss(torch.tensor([-1000.0])).item() == pytest.approx(1000.0)


def test_la_perdida_minimax_se_satura() -> None:
    logits = torch.tensor([-8.0], requires_grad=True)  # D(G(z)) ≈ 0,0003: D gana con holgura
    generator_loss(logits, "minimax").backward()
    saturating = logits.grad.abs().item()
    logits.grad = None
    generator_loss(logits).backward()
    assert saturating < 1e-3 < 0.99 < logits.grad.abs().item()


def test_discriminador_optimo() -> None:
    p_data = torch.tensor([0.2, 0.0, 0.5, 0.3])
    p_model = torch.tensor([0.2, 0.4, 0.0, 0.1])
    expected = torch.tensor([0.5, 0.0, 1.0, 0.75])
    assert torch.allclose(optimal_discriminator(p_data, p_model), expected)
    with pytest.raises(ValueError, match="misma forma"):
        optimal_discriminator(p_data, p_model[:3])
    with pytest.raises(ValueError, match="no negativas"):
        optimal_discriminator(torch.tensor([0.0]), torch.tensor([0.0]))
    with pytest.raises(ValueError, match="`kind`"):
        generator_loss(torch.zeros(2), "wasserstein")


# ------------------------------------------------------------------ el entrenamiento
def test_paso_de_entrenamiento_mueve_ambas_redes() -> None:
    g, d = _tiny_pair()
    opt_g, opt_d = adam_pair(g, d, lr=1e-2)
    g0 = [p.clone() for p in g.parameters()]
    d0 = [p.clone() for p in d.parameters()]
    real, z = sample_ring(32), torch.randn(32, 2)
    fake = g(z).detach()
    expected_d = discriminator_loss(d(real), d(fake)).item()
    d_loss, g_loss = train_step(g, d, opt_g, opt_d, real, z)
    assert d_loss == pytest.approx(expected_d)
    assert math.isfinite(g_loss)
    assert all(not torch.equal(a, b) for a, b in zip(g0, g.parameters(), strict=True))
    assert all(not torch.equal(a, b) for a, b in zip(d0, d.parameters(), strict=True))
    with pytest.raises(ValueError, match="mismo número de filas"):
        train_step(g, d, opt_g, opt_d, real, z[:5])
    with pytest.raises(ValueError, match="`loss`"):
        train_step(g, d, opt_g, opt_d, real, z, loss="hinge")


def test_entrenamiento_reproducible_bit_a_bit() -> None:
    data = sample_ring(500)
    runs = []
    for seed in (3, 3, 4):
        g, d = _tiny_pair(seed=0)
        with limit_threads(1):  # con la CPU ocupada, un hilo es mucho más rápido
            history = train_gan(g, d, data, steps=30, batch_size=64, lr=1e-3, seed=seed,
                                snapshot_every=10, snapshot_z=torch.randn(8, 2), device="cpu",
                                progress=False)
        runs.append((history, torch.cat([p.flatten() for p in g.parameters()])))
    (h1, p1), (h2, p2), (h3, p3) = runs
    assert h1.d_losses == h2.d_losses and h1.g_losses == h2.g_losses
    assert torch.equal(p1, p2) and not torch.equal(p1, p3)
    assert sorted(h1.snapshots) == [0, 10, 20, 30] and h1.snapshots[30].shape == (8, 2)
    assert len(h1.d_losses) == 30 and h1.seconds > 0


def test_entrenamiento_condicional_y_errores() -> None:
    g, d = _tiny_pair(conditional=True)
    data, labels = sample_ring(60), torch.arange(60) % 3
    history = train_gan(g, d, data, labels=labels, steps=3, batch_size=8, device="cpu",
                        progress=False)
    assert len(history.g_losses) == 3
    out = sample(g, 6, labels=torch.arange(6) % 3, seed=1)
    assert torch.equal(out, sample(g, 6, labels=torch.arange(6) % 3, seed=1))
    with pytest.raises(ValueError, match="`labels`"):
        train_gan(g, d, data, labels=labels[:5], steps=3, progress=False)
    with pytest.raises(ValueError, match="`steps`"):
        train_gan(g, d, data, labels=labels, steps=0, progress=False)
    with pytest.raises(ValueError, match="snapshot_z"):
        train_gan(g, d, data, labels=labels, steps=2, snapshot_every=1, progress=False)


def test_generador_de_digitos_del_protocolo_comun() -> None:
    generate = train_digit_generator(seed=0, steps=20, device="cpu", progress=False)
    labels = torch.tensor([0, 1, 2, 9, 9])
    images = generate(labels)
    assert images.shape == (5, 1, 8, 8) and images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1
    assert torch.equal(images, generate(labels))
    again = train_digit_generator(seed=0, steps=20, device="cpu", progress=False)
    assert torch.equal(images, again(labels))
    other = train_digit_generator(seed=1, steps=20, device="cpu", progress=False)
    assert not torch.equal(images, other(labels))
    with pytest.raises(TypeError, match="`labels`"):
        generate(torch.zeros(3))


# ------------------------------------------------------------------ las recetas del capítulo 2
def test_las_constantes_de_los_digitos_salen_de_la_receta() -> None:
    from genai_utils import gan
    from genai_utils.recipes import get_recipe

    receta = get_recipe("gan_digitos")
    assert gan.DIGIT_STEPS == receta.training["steps"]
    assert gan.DIGIT_LR == receta.training["lr"]
    assert gan.DIGIT_BATCH_SIZE == receta.training["batch_size"]
    assert gan.DIGIT_BETAS == tuple(receta.training["betas"])
    assert gan.DIGIT_LATENT_DIM == receta.model["latent_dim"] == digit_generator().latent_dim


def _receta_anillo_corta():
    from genai_utils.recipes import get_recipe

    return (get_recipe("gan_anillo").with_model(hidden=16)
            .with_training(n_points=500, steps=20, batch_size=32, snapshot_every=10))


def test_train_ring_gan_sigue_la_receta_y_es_reproducible() -> None:
    from genai_utils.gan import train_ring_gan

    receta = _receta_anillo_corta()
    z = torch.randn(50, 2, generator=torch.Generator().manual_seed(0))
    g1, d1, h1 = train_ring_gan(0.5, seed=3, recipe=receta, snapshot_z=z, device="cpu",
                                progress=False)
    g2, _, h2 = train_ring_gan(0.5, seed=3, recipe=receta, snapshot_z=z, device="cpu",
                               progress=False)
    assert len(h1.d_losses) == 20 and sorted(h1.snapshots) == [0, 10, 20]
    assert g1.body[0].out_features == 16 and not g1.training and not d1.training
    assert h1.d_losses == h2.d_losses
    assert all(torch.equal(a, b) for a, b in zip(g1.parameters(), g2.parameters(), strict=True))
    _, _, h3 = train_ring_gan(0.9, seed=3, recipe=receta, device="cpu", progress=False)
    assert h3.d_losses != h1.d_losses and not h3.snapshots  # otro impulso, otro entrenamiento


def test_train_ring_gan_rechaza_un_impulso_fuera_de_rango() -> None:
    from genai_utils.gan import train_ring_gan

    with pytest.raises(ValueError, match="beta1"):
        train_ring_gan(1.5, recipe=_receta_anillo_corta(), progress=False)


def test_ring_seed_study_mide_cada_par() -> None:
    from genai_utils.gan import RingRun, ring_run, ring_seed_study, train_ring_gan

    receta = _receta_anillo_corta()
    z = torch.randn(64, 2, generator=torch.Generator().manual_seed(1))
    runs = ring_seed_study([0.9, 0.5], [0, 1], z, recipe=receta, device="cpu", progress=False)
    assert [(r.beta1, r.seed) for r in runs] == [(0.9, 0), (0.9, 1), (0.5, 0), (0.5, 1)]
    assert all(isinstance(r, RingRun) and 0 <= r.final.modes_covered <= 8 for r in runs)
    # El estudio coincide con entrenar y medir a mano la misma semilla.
    g, _, h = train_ring_gan(0.5, seed=1, recipe=receta.with_training(snapshot_every=10),
                             snapshot_z=z, device="cpu", progress=False)
    assert ring_run(0.5, 1, g, h) == runs[3]
    with pytest.raises(ValueError, match="vacíos"):
        ring_seed_study([], [0], z, recipe=receta, progress=False)


def test_ring_run_exige_la_instantanea_de_mitad_de_camino() -> None:
    from genai_utils.gan import ring_run
    from genai_utils.history import History

    g, _ = _tiny_pair()
    with pytest.raises(ValueError, match="instantáneas"):
        ring_run(0.5, 0, g, History())
    historia = History(snapshots={0: torch.zeros(4, 2), 30: torch.zeros(4, 2)})
    with pytest.raises(ValueError, match="paso 15"):
        ring_run(0.5, 0, g, historia)
