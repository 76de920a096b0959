"""Pruebas de genai_utils.vae: KL, reparametrización, verosimilitud binomial, ELBO y generador."""

from __future__ import annotations

import math

import pytest
import torch

from genai_utils.vae import (
    VAE,
    Autoencoder,
    autoencoder_loss,
    binomial_log_likelihood,
    bits_per_dim,
    elbo,
    gaussian_kl,
    importance_log_likelihood,
    init_decoder_bias,
    reparameterize,
    sample_images,
    train_digit_generator,
    vae_loss,
)


def _digits(n: int = 6, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 17, (n, 1, 8, 8), generator=gen).float() / 16


# ------------------------------------------------------------------ KL y reparametrización
def test_kl_a_mano() -> None:
    mu = torch.tensor([[0.0, 0.0], [1.0, -2.0], [0.0, 0.0]])
    logvar = torch.tensor([[0.0, 0.0], [0.0, 0.0], [math.log(4.0), 0.0]])
    expected = torch.tensor([0.0, 0.5 * (1 + 4), 0.5 * (4 - 1 - math.log(4.0))])
    assert torch.allclose(gaussian_kl(mu, logvar), expected, atol=1e-6)


def test_kl_cerrada_coincide_con_montecarlo() -> None:
    gen = torch.Generator().manual_seed(1)
    mu = torch.tensor([[0.5, -1.0, 2.0]], dtype=torch.float64)
    logvar = torch.tensor([[-1.0, 0.3, 0.8]], dtype=torch.float64)
    z = reparameterize(mu.expand(200_000, 3), logvar.expand(200_000, 3), generator=gen)
    log_q = torch.distributions.Normal(mu, (0.5 * logvar).exp()).log_prob(z).sum(-1)
    log_p = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)
    monte_carlo = (log_q - log_p).mean()
    closed = gaussian_kl(mu, logvar)[0]
    assert abs(monte_carlo - closed) < 0.02 * closed


def test_reparametrizacion_tiene_la_media_y_la_varianza_pedidas() -> None:
    mu = torch.tensor([1.0, -2.0, 0.0]).expand(100_000, 3)
    logvar = torch.log(torch.tensor([0.25, 4.0, 1.0])).expand(100_000, 3)
    z = reparameterize(mu, logvar, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(z.mean(0), torch.tensor([1.0, -2.0, 0.0]), atol=0.02)
    assert torch.allclose(z.var(0), torch.tensor([0.25, 4.0, 1.0]), rtol=0.02)


def test_reparametrizacion_reproducible_y_con_gradiente() -> None:
    mu = torch.zeros(4, 2, requires_grad=True)
    logvar = torch.zeros(4, 2, requires_grad=True)
    a = reparameterize(mu, logvar, generator=torch.Generator().manual_seed(3))
    b = reparameterize(mu, logvar, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    a.sum().backward()
    assert torch.equal(mu.grad, torch.ones(4, 2))  # dz/dμ = 1
    assert logvar.grad.abs().sum() > 0  # dz/dlogvar = ½·σ·ε


def test_kl_y_reparametrizacion_rechazan_formas_distintas() -> None:
    with pytest.raises(ValueError, match="`mu` y `logvar` deben tener la misma forma"):
        gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 2))
    with pytest.raises(TypeError, match="`mu` debe ser un tensor de coma flotante"):
        reparameterize(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3))


# ------------------------------------------------------------------ verosimilitud binomial
def test_binomial_es_una_distribucion_de_probabilidad() -> None:
    # Una imagen de un píxel no existe: comprobamos la suma sobre los 17 niveles en un píxel
    # fijando los otros 63 a cero y restando su contribución.
    logits = torch.full((17, 64), 0.7, dtype=torch.float64)
    x = torch.zeros(17, 64, dtype=torch.float64)
    x[:, 0] = torch.arange(17) / 16
    rest = binomial_log_likelihood(logits[:1], torch.zeros(1, 64, dtype=torch.float64))
    one_pixel = binomial_log_likelihood(logits, x) - rest * 63 / 64
    assert torch.isclose(one_pixel.exp().sum(), torch.tensor(1.0, dtype=torch.float64))


def test_binomial_a_mano() -> None:
    p = 0.25
    logits = torch.full((1, 64), math.log(p / (1 - p)))
    x = torch.zeros(1, 1, 8, 8)
    x[0, 0, 0, 0] = 3 / 16
    expected = math.log(math.comb(16, 3) * p**3 * (1 - p) ** 13) + 63 * 16 * math.log(1 - p)
    assert binomial_log_likelihood(logits, x).item() == pytest.approx(expected, rel=1e-5)


def test_binomial_rechaza_valores_fuera_de_rango() -> None:
    with pytest.raises(ValueError, match="`x` debe contener valores en \\[0, 1\\]"):
        binomial_log_likelihood(torch.zeros(1, 64), torch.full((1, 64), 16.0))
    with pytest.raises(ValueError, match="`logits` y `x` deben tener el mismo número"):
        binomial_log_likelihood(torch.zeros(2, 64), torch.zeros(3, 64))
    with pytest.raises(ValueError, match=r"`x` debe tener forma \(N, 1, 8, 8\) o \(N, 64\)"):
        binomial_log_likelihood(torch.zeros(2, 64), torch.zeros(2, 1, 4, 4))


def test_bits_por_dimension() -> None:
    assert bits_per_dim(64 * math.log(2)) == pytest.approx(1.0)
    assert bits_per_dim(10.0, dims=1) == pytest.approx(10 / math.log(2))
    with pytest.raises(ValueError, match="`dims` debe ser un entero positivo"):
        bits_per_dim(1.0, dims=0)


# ------------------------------------------------------------------ modelos, ELBO y pérdida
def test_formas_del_vae_y_del_autocodificador() -> None:
    torch.manual_seed(0)
    x = _digits(5)
    model = VAE(latent_dim=3, hidden=16)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, 3)
    logits, _, _ = model(x)
    assert logits.shape == (5, 64)
    assert model.decode_mean(mu).shape == (5, 1, 8, 8)
    ae = Autoencoder(latent_dim=3, hidden=16)
    assert ae.encode(x).shape == (5, 3) and ae(x).shape == (5, 64)
    assert autoencoder_loss(ae, x).ndim == 0


def test_elbo_devuelve_dos_terminos_y_es_cota_inferior() -> None:
    torch.manual_seed(0)
    x = _digits(8)
    model = VAE(latent_dim=2, hidden=16)
    terms = elbo(model, x, generator=torch.Generator().manual_seed(0))
    assert terms.reconstruction.shape == terms.kl.shape == (8,)
    assert (terms.kl >= 0).all() and (terms.reconstruction <= 0).all()
    assert torch.allclose(terms.elbo, terms.reconstruction - terms.kl)
    # La estimación por muestreo de importancia está por encima de la ELBO media y por debajo de 0.
    mean_elbo = elbo(model, x.repeat(200, 1, 1, 1)).elbo.detach().reshape(200, 8).mean(0)
    log_px = importance_log_likelihood(model, x, n_samples=1000, batch_size=8)
    assert (log_px >= mean_elbo - 0.5).all() and (log_px < 0).all()
    assert log_px.mean() > mean_elbo.mean()


def test_importancia_con_una_muestra_es_la_elbo_en_media() -> None:
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=16)
    x = _digits(4).repeat(500, 1, 1, 1)  # 500 copias de 4 imágenes: 500 muestras de cada una
    one = importance_log_likelihood(model, x, n_samples=1, batch_size=2000).reshape(500, 4)
    ref = elbo(model, x).elbo.detach().reshape(500, 4)
    assert torch.allclose(one.mean(0), ref.mean(0), rtol=0.02)


def test_importancia_reproducible_y_por_lotes() -> None:
    torch.manual_seed(0)
    x = _digits(6)
    model = VAE(latent_dim=2, hidden=16)
    a = importance_log_likelihood(model, x, n_samples=10, batch_size=6, seed=1)
    b = importance_log_likelihood(model, x, n_samples=10, batch_size=6, seed=1)
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="`n_samples` debe ser un entero positivo"):
        importance_log_likelihood(model, x, n_samples=0)


def test_el_gradiente_llega_al_codificador() -> None:
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=16)
    vae_loss(model, _digits(4)).backward()
    first = model.encoder[0].weight.grad
    assert first is not None and first.abs().sum() > 0
    assert model.decoder[0].weight.grad.abs().sum() > 0


def test_beta_escala_el_termino_kl() -> None:
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=16)
    x = _digits(4)
    torch.manual_seed(5)
    terms = elbo(model, x)
    torch.manual_seed(5)
    loss = vae_loss(model, x, beta=3.0)
    assert loss.item() == pytest.approx(-(terms.reconstruction - 3 * terms.kl).mean().item())
    with pytest.raises(ValueError, match="`beta`"):
        vae_loss(model, x, beta=-1.0)


def test_vae_condicional_exige_etiquetas() -> None:
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=16, n_classes=10)
    x, y = _digits(3), torch.tensor([0, 5, 9])
    assert elbo(model, x, y).kl.shape == (3,)
    assert sample_images(model, 3, y).shape == (3, 1, 8, 8)
    with pytest.raises(ValueError, match="es condicional"):
        model.encode(x)
    with pytest.raises(ValueError, match="entre 0 y 9"):
        model.encode(x, torch.tensor([0, 1, 10]))
    with pytest.raises(TypeError, match="`y` debe ser un tensor de enteros"):
        model.encode(x, torch.zeros(3))
    with pytest.raises(ValueError, match="no es condicional"):
        VAE(latent_dim=2, hidden=16).encode(x, y)


def test_errores_claros() -> None:
    with pytest.raises(ValueError, match="`latent_dim` debe ser un entero positivo"):
        VAE(latent_dim=0)
    with pytest.raises(TypeError, match="`model` debe ser un `VAE`"):
        elbo(torch.nn.Linear(2, 2), _digits(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`z`"):
        VAE(latent_dim=2, hidden=8).decode(torch.zeros(3, 5))


def test_sesgo_inicial_da_la_imagen_media() -> None:
    x = _digits(10)
    model = VAE(latent_dim=2, hidden=8)
    torch.nn.init.zeros_(model.decoder[-1].weight)
    init_decoder_bias(model, x)
    mean = x.reshape(10, 64).mean(0).clamp(0.01, 0.99)
    assert torch.allclose(model.decode_mean(torch.zeros(1, 2)).reshape(64), mean, atol=1e-5)


def test_muestras_en_rango_y_reproducibles() -> None:
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=8)
    a, b = sample_images(model, 5, seed=2), sample_images(model, 5, seed=2)
    assert a.shape == (5, 1, 8, 8) and torch.equal(a, b)
    assert 0 <= a.min() and a.max() <= 1


# ------------------------------------------------------------------ protocolo común
def test_train_digit_generator_reproducible() -> None:
    generate = train_digit_generator(seed=0, device="cpu", progress=False, epochs=1)
    labels = torch.tensor([0, 1, 2, 3, 9])
    images = generate(labels)
    assert images.shape == (5, 1, 8, 8) and images.dtype == torch.float32
    assert 0 <= images.min() and images.max() <= 1
    assert torch.equal(images, generate(labels))
    again = train_digit_generator(seed=0, device="cpu", progress=False, epochs=1)
    assert torch.equal(images, again(labels))
    other = train_digit_generator(seed=1, device="cpu", progress=False, epochs=1)
    assert not torch.equal(images, other(labels))
    with pytest.raises(TypeError, match="`labels` debe ser un tensor de enteros"):
        generate(torch.zeros(3))


def test_train_digit_generator_lee_la_receta(monkeypatch) -> None:
    from genai_utils import vae as vae_module
    from genai_utils.recipes import get_recipe

    receta = get_recipe("cvae_digitos")
    assert (vae_module.CVAE_LATENT_DIM, vae_module.CVAE_EPOCHS) == (
        receta.model["latent_dim"], receta.training["epochs"])
    assert (vae_module.CVAE_LR, vae_module.CVAE_BATCH) == (
        receta.training["lr"], receta.training["batch_size"])
    variante = receta.with_model(latent_dim=3).with_training(epochs=1, batch_size=500)
    monkeypatch.setattr(vae_module, "get_recipe", lambda name: variante)
    vistos = {}
    original_vae, original_fit = vae_module.VAE, vae_module.fit

    class VaeEspia(original_vae):
        def __init__(self, **kwargs):
            vistos["latent_dim"] = kwargs["latent_dim"]
            super().__init__(**kwargs)

    def fit_espia(*args, **kwargs):
        vistos.update(epochs=kwargs["epochs"], batch_size=kwargs["batch_size"], lr=kwargs["lr"])
        return original_fit(*args, **kwargs)

    monkeypatch.setattr(vae_module, "VAE", VaeEspia)
    monkeypatch.setattr(vae_module, "fit", fit_espia)
    generate = vae_module.train_digit_generator(seed=0, device="cpu", progress=False)
    assert generate(torch.tensor([1, 2])).shape == (2, 1, 8, 8)
    assert vistos == {"latent_dim": 3, "epochs": 1, "batch_size": 500, "lr": receta.training["lr"]}
