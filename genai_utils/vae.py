"""Autocodificadores variacionales (VAE) para los dígitos de 8×8.

El módulo reúne lo que necesita el capítulo 3:

* :class:`VAE`: un codificador que da, para cada imagen, una media y una log-varianza por
  dimensión latente, y un decodificador que da un logit por píxel. Con ``n_classes`` se vuelve
  un VAE **condicional**: codificador y decodificador reciben además la etiqueta en *one-hot*.
* :class:`Autoencoder`: el autocodificador clásico, determinista, con la misma arquitectura.
* La verosimilitud de los píxeles: cada nivel de gris de los dígitos es un recuento
  ``k ∈ {0, …, 16}`` (los píxeles encendidos de un bloque de 4×4 en el mapa de bits original),
  así que se modela con una **binomial** ``Binomial(16, p)``, con ``p = sigmoid(logit)``. Es una
  distribución discreta de verdad: ``log p(x)`` es el logaritmo de una probabilidad, en nats, y
  ``bits por dimensión`` queda bien definido.
* :func:`elbo`: la cota inferior de la evidencia con sus dos términos por separado
  (reconstrucción y KL), y :func:`importance_log_likelihood`, la estimación de ``log p(x)`` por
  muestreo de importancia.
* :func:`train_digit_generator`: el protocolo común de los modelos de dígitos del libro.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from genai_utils.data import IMAGE_SIZE, load_digits
from genai_utils.recipes import get_recipe
from genai_utils.report import fmt_sig
from genai_utils.training import fit, get_device, limit_threads
from genai_utils.validation import (
    MAX_SIZE,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_real,
)
from genai_utils.validation_tensors import (
    check_digit_images,
    check_labels,
    check_model,
    check_tensor,
)

__all__ = [
    "GREY_LEVELS",
    "PIXELS",
    "Autoencoder",
    "ELBOTerms",
    "VAE",
    "autoencoder_loss",
    "binomial_log_likelihood",
    "bits_per_dim",
    "elbo",
    "gaussian_kl",
    "importance_log_likelihood",
    "init_decoder_bias",
    "reparameterize",
    "sample_images",
    "train_digit_generator",
    "vae_loss",
]

PIXELS = IMAGE_SIZE * IMAGE_SIZE
GREY_LEVELS = 16  # los niveles de gris van de 0 a 16: recuentos de un bloque de 4×4 píxeles


# ------------------------------------------------------------------ piezas matemáticas
def reparameterize(
    mu: torch.Tensor, logvar: torch.Tensor, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Muestra ``z = μ + σ·ε`` con ``ε ~ N(0, I)`` y ``σ = exp(logvar / 2)``.

    El azar queda en ``ε``, que no depende de ningún parámetro: el gradiente llega a ``μ`` y a
    ``logvar`` a través de una suma y un producto (el truco de la reparametrización).
    """
    _check_gaussian(mu, logvar)
    return _reparameterize(mu, logvar, generator)


def _reparameterize(
    mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None
) -> torch.Tensor:
    # Sin comprobaciones: ``VAE.forward`` la llama en cada lote.
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device="cpu").to(mu.device)
    return mu + torch.exp(0.5 * logvar) * eps


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(0, I)) en nats, una por fila: ``½ Σ (μ² + σ² − 1 − log σ²)``."""
    _check_gaussian(mu, logvar)
    return _gaussian_kl(mu, logvar)


def _gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    # Sin comprobaciones: ``elbo`` la llama en cada lote con las salidas del codificador.
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)


def binomial_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``log p(x | logits)`` en nats por imagen, con una binomial ``Binomial(16, p)`` por píxel.

    ``x`` son imágenes en [0, 1] (niveles 0…16 divididos por 16), de forma (N, 1, 8, 8) o
    (N, 64); ``logits`` tiene forma (N, 64) y ``p = sigmoid(logits)``. Devuelve (N,).
    """
    check_tensor(logits, "logits", ndim=2, last_dims=(PIXELS,), floating=True, finite=True)
    counts = _grey_counts(x, "x")
    if len(counts) != len(logits):
        raise ValueError(
            f"Los argumentos `logits` y `x` deben tener el mismo número de imágenes; se "
            f"recibieron {len(logits)} y {len(counts)}."
        )
    return _binomial_ll(logits, counts)


def _binomial_ll(logits: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
    """Cálculo sin comprobaciones: ``counts`` (N, 64) son los niveles enteros 0…16 como float."""
    n = float(GREY_LEVELS)
    log_comb = _LOG_COMB.to(logits.device, logits.dtype)[counts.long()]
    # log p = logsigmoid(l) y log(1 − p) = logsigmoid(−l) = logsigmoid(l) − l: una sola llamada.
    log_p = F.logsigmoid(logits)
    return (log_comb + n * log_p - (n - counts) * logits).sum(dim=-1)


_LOG_COMB = torch.tensor(
    [math.log(math.comb(GREY_LEVELS, k)) for k in range(GREY_LEVELS + 1)], dtype=torch.float64
)


def bits_per_dim(nll_nats: float | torch.Tensor, dims: int = PIXELS) -> float | torch.Tensor:
    """Convierte una log-verosimilitud negativa en nats por imagen a bits por dimensión."""
    if isinstance(nll_nats, torch.Tensor):
        check_tensor(nll_nats, "nll_nats", floating=True, finite=True)
    else:
        check_real(nll_nats, "nll_nats")
    check_positive_int(dims, "dims")
    return nll_nats / (dims * math.log(2.0))


def _show(value: float) -> str:
    """Un valor para un mensaje de error: con coma decimal, o tal cual si no es finito (NaN)."""
    return fmt_sig(value, 3) if math.isfinite(value) else str(value)


def _grey_counts(x: object, name: str) -> torch.Tensor:
    flat = check_digit_images(x, name, min_count=1)
    if not bool(((flat >= 0) & (flat <= 1)).all()):  # también rechaza NaN
        raise ValueError(
            f"El argumento `{name}` debe contener valores en [0, 1] (niveles de gris divididos "
            f"por {GREY_LEVELS}); se recibieron valores entre {_show(flat.min().item())} y "
            f"{_show(flat.max().item())}."
        )
    return torch.round(flat * GREY_LEVELS)


def _check_gaussian(mu: object, logvar: object) -> None:
    check_tensor(mu, "mu", floating=True, finite=True)
    check_tensor(logvar, "logvar", floating=True, finite=True)
    if mu.shape != logvar.shape:
        raise ValueError(
            "Los argumentos `mu` y `logvar` deben tener la misma forma; se recibieron "
            f"{tuple(mu.shape)} y {tuple(logvar.shape)}."
        )


# ------------------------------------------------------------------ modelos
def _mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(n_in, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
        nn.Linear(hidden, n_out),
    )


class VAE(nn.Module):
    """VAE de perceptrones para los dígitos: 64 píxeles → (μ, log σ²) latentes → 64 logits.

    ``latent_dim`` es el número de dimensiones latentes y ``hidden`` el ancho de las dos capas
    ocultas de cada red. Con ``n_classes`` (p. ej. 10) el modelo es condicional: ``encode``,
    ``decode`` y ``forward`` exigen las etiquetas ``y`` (N,) de tipo entero.
    """

    def __init__(self, latent_dim: int = 8, hidden: int = 128, n_classes: int | None = None):
        super().__init__()
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        check_positive_int(hidden, "hidden")
        self.n_classes = None if n_classes is None else check_positive_int(n_classes, "n_classes")
        extra = self.n_classes or 0
        self.encoder = _mlp(PIXELS + extra, hidden, 2 * self.latent_dim)
        self.decoder = _mlp(self.latent_dim + extra, hidden, PIXELS)

    def encode(
        self, x: torch.Tensor, y: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Media y log-varianza de ``q(z | x)``, cada una de forma (N, latent_dim)."""
        flat = check_digit_images(x, "x")
        h = self.encoder(self._with_labels(flat, y))
        mu, logvar = h.chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 8.0)  # evita varianzas que desborden exp()

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (N, 64) de ``p(x | z)``: la probabilidad de cada píxel es ``sigmoid(logit)``."""
        check_tensor(z, "z", ndim=2, last_dims=(self.latent_dim,), floating=True)
        return self.decoder(self._with_labels(z, y))

    def decode_mean(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Imagen media ``E[x | z]`` en [0, 1], de forma (N, 1, 8, 8)."""
        return torch.sigmoid(self.decode(z, y)).reshape(-1, 1, IMAGE_SIZE, IMAGE_SIZE)

    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor | None = None,
        *,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Codifica, muestrea ``z`` reparametrizando y decodifica: ``(logits, μ, logvar)``."""
        mu, logvar = self.encode(x, y)
        z = _reparameterize(mu, logvar, generator)
        return self.decode(z, y), mu, logvar

    def _with_labels(self, h: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if self.n_classes is None:
            if y is not None:
                raise ValueError(
                    "Este VAE no es condicional (`n_classes=None`): no le pases etiquetas `y`."
                )
            return h
        if y is None:
            raise ValueError(
                f"Este VAE es condicional ({self.n_classes} clases): pasa las etiquetas `y`, "
                "un tensor de enteros de forma (N,)."
            )
        y = check_labels(y, "y", n=len(h), n_classes=self.n_classes, rows_of="x")
        one_hot = F.one_hot(y, self.n_classes).to(h.dtype)
        return torch.cat([h, one_hot], dim=-1)


class Autoencoder(nn.Module):
    """Autocodificador clásico: el mismo perceptrón que :class:`VAE`, pero con un código ``z``
    determinista y sin ninguna restricción sobre cómo se reparten los códigos."""

    def __init__(self, latent_dim: int = 8, hidden: int = 128):
        super().__init__()
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        check_positive_int(hidden, "hidden")
        self.encoder = _mlp(PIXELS, hidden, self.latent_dim)
        self.decoder = _mlp(self.latent_dim, hidden, PIXELS)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Código latente (N, latent_dim) de las imágenes ``x``."""
        return self.encoder(check_digit_images(x, "x"))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Logits (N, 64) de la reconstrucción."""
        check_tensor(z, "z", ndim=2, last_dims=(self.latent_dim,), floating=True)
        return self.decoder(z)

    def decode_mean(self, z: torch.Tensor) -> torch.Tensor:
        """Imagen reconstruida en [0, 1], de forma (N, 1, 8, 8)."""
        return torch.sigmoid(self.decode(z)).reshape(-1, 1, IMAGE_SIZE, IMAGE_SIZE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 64) de la reconstrucción de ``x``."""
        return self.decode(self.encode(x))


@torch.no_grad()
def init_decoder_bias(model: VAE | Autoencoder, x: torch.Tensor) -> None:
    """Pone el sesgo de la última capa del decodificador en el logit del píxel medio de ``x``.

    Así el modelo empieza prediciendo la imagen media en lugar de grises al azar, y el
    entrenamiento arranca desde una pérdida mucho más baja.
    """
    if not isinstance(model, VAE | Autoencoder):
        raise TypeError(
            "El argumento `model` debe ser un `VAE` o un `Autoencoder`; "
            f"se recibió {type(model).__name__}."
        )
    mean = (_grey_counts(x, "x") / GREY_LEVELS).mean(dim=0).clamp(0.01, 0.99)
    last = model.decoder[-1]
    last.bias.copy_(torch.log(mean / (1 - mean)).to(last.bias))


# ------------------------------------------------------------------ ELBO y pérdidas
@dataclass(frozen=True)
class ELBOTerms:
    """Los dos términos de la ELBO, en nats por imagen (tensores (N,)).

    ``reconstruction`` es ``E_q[log p(x | z)]`` estimado con una muestra de ``z``; ``kl`` es
    ``KL(q(z | x) ‖ p(z))`` en forma cerrada. La ELBO es su diferencia.
    """

    reconstruction: torch.Tensor
    kl: torch.Tensor

    @property
    def elbo(self) -> torch.Tensor:
        """``reconstruction − kl``: cota inferior de ``log p(x)`` por imagen."""
        return self.reconstruction - self.kl


def elbo(
    model: VAE,
    x: torch.Tensor,
    y: torch.Tensor | None = None,
    *,
    generator: torch.Generator | None = None,
) -> ELBOTerms:
    """Los dos términos de la ELBO de ``model`` sobre las imágenes ``x`` (y etiquetas ``y``)."""
    check_model(model, "model", VAE)
    counts = _grey_counts(x, "x")
    logits, mu, logvar = model(x, y, generator=generator)
    return ELBOTerms(_binomial_ll(logits, counts), _gaussian_kl(mu, logvar))


def vae_loss(
    model: VAE, x: torch.Tensor, y: torch.Tensor | None = None, *, beta: float = 1.0
) -> torch.Tensor:
    """Pérdida para ``fit``: ``−(reconstrucción − β·KL)`` media por imagen, en nats.

    Con ``beta = 1`` es la ELBO negativa; con otro valor, el objetivo del β-VAE. Para ``fit``
    con otro ``beta`` usa ``functools.partial(vae_loss, beta=...)``.
    """
    check_positive_float(beta, "beta")
    terms = elbo(model, x, y)
    return -(terms.reconstruction - beta * terms.kl).mean()


def autoencoder_loss(model: Autoencoder, x: torch.Tensor) -> torch.Tensor:
    """Pérdida de reconstrucción del autocodificador: ``−log p(x | z)`` media, en nats."""
    if not isinstance(model, Autoencoder):
        raise TypeError(
            f"El argumento `model` debe ser un `Autoencoder`; se recibió {type(model).__name__}."
        )
    return -_binomial_ll(model(x), _grey_counts(x, "x")).mean()


@torch.no_grad()
def importance_log_likelihood(
    model: VAE,
    x: torch.Tensor,
    y: torch.Tensor | None = None,
    *,
    n_samples: int = 1000,
    batch_size: int = 64,
    seed: int = 0,
) -> torch.Tensor:
    """Estima ``log p(x)`` (nats por imagen, tensor (N,)) por muestreo de importancia.

    Con ``K = n_samples`` códigos ``z_k ~ q(z | x)``::

        log p(x) ≈ logsumexp_k [log p(x | z_k) + log p(z_k) − log q(z_k | x)] − log K

    Con ``K = 1`` es una muestra de la ELBO; al crecer ``K`` el estimador sube hacia
    ``log p(x)`` (nunca lo supera en media).
    """
    check_model(model, "model", VAE)
    check_positive_int(n_samples, "n_samples")
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    device = next(model.parameters()).device
    counts = _grey_counts(x, "x").to(device)
    if y is not None:
        check_tensor(y, "y", ndim=1, floating=False)
    y = None if y is None else y.to(device)
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    out = []
    for i in range(0, len(counts), batch_size):
        yb = None if y is None else y[i : i + batch_size]
        out.append(_importance_batch(model, counts[i : i + batch_size], yb, n_samples, generator))
    model.train(was_training)
    return torch.cat(out).cpu()


def _importance_batch(
    model: VAE,
    counts: torch.Tensor,
    y: torch.Tensor | None,
    k: int,
    generator: torch.Generator,
) -> torch.Tensor:
    mu, logvar = model.encode(counts / GREY_LEVELS, y)
    n, d = mu.shape
    mu_k = mu.unsqueeze(0).expand(k, n, d)
    logvar_k = logvar.unsqueeze(0).expand(k, n, d)
    eps = torch.randn((k, n, d), generator=generator, dtype=mu.dtype).to(mu.device)
    z = mu_k + torch.exp(0.5 * logvar_k) * eps
    y_k = None if y is None else y.repeat(k)
    logits = model.decode(z.reshape(k * n, d), y_k)
    log_px_z = _binomial_ll(logits, counts.repeat(k, 1)).reshape(k, n)
    log_2pi = math.log(2 * math.pi)
    log_pz = -0.5 * (z.pow(2) + log_2pi).sum(dim=-1)
    log_qz = -0.5 * (eps.pow(2) + logvar_k + log_2pi).sum(dim=-1)
    return torch.logsumexp(log_px_z + log_pz - log_qz, dim=0) - math.log(k)


@torch.no_grad()
def sample_images(
    model: VAE,
    n: int,
    labels: torch.Tensor | None = None,
    *,
    seed: int = 0,
) -> torch.Tensor:
    """Saca ``n`` imágenes del VAE: ``z ~ N(0, I)`` y la imagen media del decodificador.

    Devuelve (n, 1, 8, 8) en [0, 1]. Un VAE condicional necesita ``labels`` (n,).
    """
    check_model(model, "model", VAE)
    check_positive_int(n, "n", maximum=MAX_SIZE)
    check_non_negative_int(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    z = torch.randn((n, model.latent_dim), generator=generator).to(device)
    if labels is not None:
        check_tensor(labels, "labels", ndim=1, floating=False)
        if len(labels) != n:
            raise ValueError(
                f"El argumento `labels` debe tener {n} etiquetas; se recibieron {len(labels)}."
            )
        labels = labels.to(device)
    was_training = model.training
    model.eval()
    images = model.decode_mean(z, labels).cpu()
    model.train(was_training)
    return images


# ------------------------------------------------------------------ protocolo común
# Los valores salen de la receta ``cvae_digitos`` (genai_utils.recipes); las constantes son alias
# para los cuadernos que ya las usan.
_CVAE = get_recipe("cvae_digitos")
CVAE_LATENT_DIM: int = _CVAE.model["latent_dim"]
CVAE_EPOCHS: int = _CVAE.training["epochs"]
CVAE_LR: float = _CVAE.training["lr"]
CVAE_BATCH: int = _CVAE.training["batch_size"]


def train_digit_generator(
    *,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
    epochs: int | None = None,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Entrena el VAE condicional del capítulo y devuelve ``generate(labels) -> imágenes``.

    Sigue la receta ``cvae_digitos`` del cuaderno 3.2 (:mod:`genai_utils.recipes`): un
    ``VAE(latent_dim, n_classes)`` con el sesgo de salida en la imagen media, Adam con la tasa,
    los minilotes y las épocas de la receta (``epochs`` las cambia; unos 5 s en una CPU) sobre
    los dígitos de entrenamiento. ``generate`` recibe
    etiquetas ``int64`` (N,) y devuelve imágenes medias (N, 1, 8, 8) en [0, 1], siempre las mismas
    para la misma semilla de entrenamiento y las mismas etiquetas.
    """
    check_non_negative_int(seed, "seed")
    recipe = get_recipe("cvae_digitos")
    epochs = recipe.training["epochs"] if epochs is None else epochs
    check_positive_int(epochs, "epochs")
    device = torch.device(device) if device is not None else get_device()
    split = load_digits()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = VAE(latent_dim=recipe.model["latent_dim"], n_classes=recipe.model["n_classes"])
    init_decoder_bias(model, split.x_train)
    with limit_threads(1):
        fit(model, vae_loss, (split.x_train, split.y_train), epochs=epochs,
            batch_size=recipe.training["batch_size"], lr=recipe.training["lr"], device=device,
            seed=seed, desc="VAE condicional", progress=progress)
    model.eval()
    model.requires_grad_(False)

    def generate(labels: torch.Tensor) -> torch.Tensor:
        """Imágenes (N, 1, 8, 8) en [0, 1] de los dígitos pedidos en ``labels`` (N,)."""
        check_tensor(labels, "labels", ndim=1, floating=False)
        if len(labels) == 0:
            raise ValueError("El argumento `labels` debe contener al menos una etiqueta.")
        return sample_images(model, len(labels), labels.long(), seed=seed)

    return generate
