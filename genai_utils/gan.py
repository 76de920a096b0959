"""Redes generativas antagónicas (GAN): redes pequeñas, pérdidas, entrenamiento y métricas.

Todo está pensado para entrenarse en segundos en una CPU:

* :class:`Generator` y :class:`Discriminator`: perceptrones que sirven para puntos en 2-D y para
  los dígitos de 8×8, con o sin condición (la etiqueta entra como vector *one-hot*).
* :func:`discriminator_loss` y :func:`generator_loss`: la pérdida del juego minimax y la
  variante no saturante del generador.
* :func:`train_step` (un paso del discriminador y otro del generador) y :func:`train_gan`, el
  bucle completo, con instantáneas de las muestras durante el entrenamiento.
* :func:`ring_centers`, :func:`sample_ring` y :func:`mode_coverage`: el anillo de 8 gaussianas y
  la medida de cobertura de modos y de calidad de las muestras.
* :func:`train_ring_gan` y :func:`ring_seed_study`: la GAN del anillo del cuaderno 2.1 (receta
  ``gan_anillo``), con una o varias semillas.
* :func:`train_digit_generator`: la GAN condicional de los dígitos del cuaderno 2.2, con la
  interfaz común con la que el capítulo 4 compara todos los modelos de imágenes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from genai_utils.recipes import Recipe, get_recipe
from genai_utils.training import get_device, limit_threads
from genai_utils.validation import (
    MAX_SIZE,
    check_choice,
    check_fraction,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
)
from genai_utils.validation_tensors import check_labels, check_model, check_tensor

RING_MODES = 8
RING_RADIUS = 3.0
RING_STD = 0.2
GENERATOR_LOSSES = ("non_saturating", "minimax")
# Alias de la receta «gan_digitos» (genai_utils.recipes), que es la única fuente de estos valores.
_DIGIT_RECIPE = get_recipe("gan_digitos")
DIGIT_LATENT_DIM: int = _DIGIT_RECIPE.model["latent_dim"]
DIGIT_STEPS: int = _DIGIT_RECIPE.training["steps"]
DIGIT_LR: float = _DIGIT_RECIPE.training["lr"]
DIGIT_BATCH_SIZE: int = _DIGIT_RECIPE.training["batch_size"]
DIGIT_BETAS: tuple[float, float] = tuple(_DIGIT_RECIPE.training["betas"])


# ---------------------------------------------------------------- el anillo de gaussianas
def ring_centers(n_modes: int = RING_MODES, radius: float = RING_RADIUS) -> torch.Tensor:
    """Centros (n_modes, 2) de ``n_modes`` gaussianas repartidas por igual en una circunferencia."""
    check_positive_int(n_modes, "n_modes", maximum=MAX_SIZE)
    check_positive_float(radius, "radius")
    angles = 2 * math.pi * torch.arange(n_modes, dtype=torch.float64) / n_modes
    return (radius * torch.stack([angles.cos(), angles.sin()], dim=1)).float()


def sample_ring(
    n: int,
    *,
    n_modes: int = RING_MODES,
    radius: float = RING_RADIUS,
    std: float = RING_STD,
    seed: int = 0,
) -> torch.Tensor:
    """``n`` puntos (n, 2) de una mezcla equiprobable de gaussianas isótropas en un anillo.

    Con los valores por defecto es la misma distribución que ``toy_2d("gaussian_mixture")``:
    8 modos en un radio 3 con desviación típica 0,2. Usa su propio generador (``seed``).
    """
    check_positive_int(n, "n", maximum=MAX_SIZE)
    check_positive_float(std, "std")
    check_non_negative_int(seed, "seed")
    centers = ring_centers(n_modes, radius)
    rng = torch.Generator().manual_seed(seed)
    which = torch.randint(0, n_modes, (n,), generator=rng)
    return centers[which] + std * torch.randn(n, 2, generator=rng)


@dataclass(frozen=True)
class ModeCoverage:
    """Cobertura de modos de un conjunto de muestras.

    ``fractions[k]`` es la fracción de muestras a menos de ``3σ`` del modo ``k``;
    ``modes_covered`` cuenta los modos con al menos ``threshold`` de las muestras y
    ``high_quality`` es la fracción de muestras a menos de ``3σ`` de algún modo.
    """

    fractions: tuple[float, ...]
    modes_covered: int
    high_quality: float

    def __str__(self) -> str:
        return (f"modos cubiertos: {self.modes_covered}/{len(self.fractions)}; "
                f"muestras de calidad: {100 * self.high_quality:.1f} %")


def mode_coverage(
    samples: torch.Tensor,
    centers: torch.Tensor | None = None,
    std: float = RING_STD,
    *,
    threshold: float = 0.05,
) -> ModeCoverage:
    """Mide qué modos cubren ``samples`` (n, 2) y qué fracción de ellas es de calidad.

    Una muestra es «de calidad» si está a menos de ``3·std`` de algún centro (por defecto, los
    de :func:`ring_centers`); un modo está «cubierto» si recibe al menos ``threshold`` de las
    muestras. Los centros deben estar a más de ``6·std`` entre sí para que cada muestra caiga
    cerca de un solo modo.
    """
    check_tensor(samples, "samples", ndim=2, last_dims=(2,), floating=True, finite=True)
    if len(samples) == 0:
        raise ValueError("El argumento `samples` no contiene ninguna muestra.")
    centers = ring_centers() if centers is None else centers
    check_tensor(centers, "centers", ndim=2, last_dims=(2,), floating=True)
    check_positive_float(std, "std")
    check_fraction(threshold, "threshold")
    distances = torch.cdist(samples.detach().cpu().double(), centers.cpu().double())
    nearest, which = distances.min(dim=1)
    close = nearest < 3 * std
    counts = torch.bincount(which[close], minlength=len(centers)).double()
    fractions = counts / len(samples)
    return ModeCoverage(
        fractions=tuple(round(f, 6) for f in fractions.tolist()),
        modes_covered=int((fractions >= threshold).sum()),
        high_quality=float(close.double().mean()),
    )


# ---------------------------------------------------------------- las redes
def _as_shape(shape: int | Sequence[int], name: str) -> tuple[int, ...]:
    if isinstance(shape, str | bytes) or not isinstance(shape, int | Sequence):
        raise TypeError(
            f"El argumento `{name}` debe ser un entero o una tupla de enteros; se recibió "
            f"{shape!r}."
        )
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if not dims:
        raise ValueError(f"El argumento `{name}` no puede estar vacío.")
    for d in dims:
        check_positive_int(d, name)
    return dims


def _mlp(sizes: Sequence[int], slope: float, spectral: bool) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        linear = nn.Linear(a, b)
        layers += [nn.utils.parametrizations.spectral_norm(linear) if spectral else linear]
        layers += [nn.LeakyReLU(slope)]
    return layers


class Generator(nn.Module):
    """Perceptrón que transforma ruido ``z`` (N, latent_dim) en muestras (N, *out_shape).

    Con ``n_classes > 0`` es condicional: recibe además etiquetas enteras (N,) que entran como
    vectores *one-hot* concatenados con ``z``. ``out_activation="sigmoid"`` lleva la salida a
    (0, 1), como los píxeles de los dígitos; ``None`` la deja libre, como los puntos en 2-D.
    """

    def __init__(
        self,
        latent_dim: int = 2,
        out_shape: int | Sequence[int] = 2,
        *,
        hidden: int = 128,
        n_hidden: int = 2,
        n_classes: int = 0,
        out_activation: str | None = None,
    ) -> None:
        super().__init__()
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        self.out_shape = _as_shape(out_shape, "out_shape")
        check_positive_int(hidden, "hidden")
        check_positive_int(n_hidden, "n_hidden")
        self.n_classes = check_non_negative_int(n_classes, "n_classes")
        if out_activation is not None:
            check_choice(out_activation, "out_activation", ("sigmoid", "tanh"))
        self.out_activation = out_activation
        sizes = [latent_dim + n_classes] + [hidden] * n_hidden
        self.body = nn.Sequential(*_mlp(sizes, 0.2, spectral=False))
        self.head = nn.Linear(hidden, math.prod(self.out_shape))

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Muestras (N, *out_shape) a partir del ruido ``z`` y, si es condicional, ``labels``."""
        check_tensor(z, "z", ndim=2, last_dims=(self.latent_dim,), floating=True)
        x = self.head(self.body(_with_labels(z, labels, self.n_classes, "z")))
        if self.out_activation == "sigmoid":
            x = torch.sigmoid(x)
        elif self.out_activation == "tanh":
            x = torch.tanh(x)
        return x.reshape(len(z), *self.out_shape)


class Discriminator(nn.Module):
    """Perceptrón que da un *logit* (N,) por muestra: positivo = «parece real».

    ``D(x) = sigmoid(logit)`` es la probabilidad de que ``x`` sea real. Con ``n_classes > 0``
    recibe también la etiqueta (*one-hot*) y juzga si el par (muestra, etiqueta) es real.
    ``spectral_norm=True`` aplica la normalización espectral (Miyato et al., 2018) a cada capa
    lineal, lo que limita cuánto puede cambiar la salida y estabiliza el entrenamiento.
    """

    def __init__(
        self,
        in_shape: int | Sequence[int] = 2,
        *,
        hidden: int = 128,
        n_hidden: int = 2,
        n_classes: int = 0,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        self.in_shape = _as_shape(in_shape, "in_shape")
        check_positive_int(hidden, "hidden")
        check_positive_int(n_hidden, "n_hidden")
        self.n_classes = check_non_negative_int(n_classes, "n_classes")
        sizes = [math.prod(self.in_shape) + n_classes] + [hidden] * n_hidden
        self.body = nn.Sequential(*_mlp(sizes, 0.2, spectral=bool(spectral_norm)))
        head = nn.Linear(hidden, 1)
        self.head = nn.utils.parametrizations.spectral_norm(head) if spectral_norm else head

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """*Logits* (N,) de las muestras ``x`` (N, *in_shape)."""
        check_tensor(x, "x", floating=True)
        if tuple(x.shape[1:]) != self.in_shape:
            raise ValueError(
                f"El argumento `x` debe tener forma (N, {', '.join(map(str, self.in_shape))}); "
                f"se recibió un tensor de forma {tuple(x.shape)}."
            )
        flat = _with_labels(x.reshape(len(x), -1), labels, self.n_classes, "x")
        return self.head(self.body(flat)).squeeze(1)


def _with_labels(
    x: torch.Tensor, labels: torch.Tensor | None, n_classes: int, name: str
) -> torch.Tensor:
    if n_classes == 0:
        if labels is not None:
            raise ValueError(
                "Este modelo no es condicional (`n_classes=0`): no le pases `labels`."
            )
        return x
    if labels is None:
        raise ValueError(
            f"Este modelo es condicional (`n_classes={n_classes}`): pásale también `labels`, "
            "un tensor de enteros (N,)."
        )
    labels = check_labels(labels, "labels", n=len(x), n_classes=n_classes, rows_of=name)
    one_hot = F.one_hot(labels.to(x.device), n_classes).to(x.dtype)
    return torch.cat([x, one_hot], dim=1)


def digit_generator(latent_dim: int = DIGIT_LATENT_DIM, *, conditional: bool = True) -> Generator:
    """Generador de dígitos de 8×8: ruido (N, latent_dim) [+ etiqueta] → imágenes (N, 1, 8, 8)."""
    return Generator(latent_dim, (1, 8, 8), hidden=256, n_hidden=2,
                     n_classes=10 if conditional else 0, out_activation="sigmoid")


def digit_discriminator(*, conditional: bool = True, spectral_norm: bool = False) -> Discriminator:
    """Discriminador de dígitos de 8×8 (con etiqueta si ``conditional``)."""
    return Discriminator((1, 8, 8), hidden=256, n_hidden=2,
                         n_classes=10 if conditional else 0, spectral_norm=spectral_norm)


# ---------------------------------------------------------------- las pérdidas
def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Pérdida del discriminador: ``−E[log D(x)] − E[log(1 − D(G(z)))]``.

    Es la entropía cruzada binaria con etiqueta 1 para los datos reales y 0 para los generados,
    calculada a partir de los *logits* de forma estable. Con ``D = 1/2`` en todas partes vale
    ``2·log 2 ≈ 1,386``.
    """
    _check_logits(real_logits, "real_logits")
    _check_logits(fake_logits, "fake_logits")
    return _discriminator_loss(real_logits, fake_logits)


def _discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    # Sin comprobaciones: ``train_step`` la llama en cada paso.
    # −log sigmoid(l) = softplus(−l)   y   −log(1 − sigmoid(l)) = softplus(l)
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def _check_logits(logits: object, name: str) -> None:
    check_tensor(logits, name, ndim=(1, 2), floating=True, finite=True, non_empty=True)


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """Pérdida del generador a partir de los *logits* del discriminador sobre muestras falsas.

    * ``"minimax"``: ``E[log(1 − D(G(z)))]``, la del juego original; su gradiente se anula
      cuando el discriminador rechaza con seguridad las muestras (se «satura»).
    * ``"non_saturating"``: ``−E[log D(G(z))]``, la que se usa en la práctica: el mismo punto
      fijo, pero gradientes grandes justo cuando el generador lo hace mal.
    """
    _check_logits(fake_logits, "fake_logits")
    check_choice(kind, "kind", GENERATOR_LOSSES)
    return _generator_loss(fake_logits, kind)


def _generator_loss(fake_logits: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "minimax":
        return -F.softplus(fake_logits).mean()
    return F.softplus(-fake_logits).mean()


def optimal_discriminator(p_data: torch.Tensor, p_model: torch.Tensor) -> torch.Tensor:
    """Discriminador óptimo ``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` a partir de densidades."""
    check_tensor(p_data, "p_data", floating=True, finite=True, non_empty=True)
    check_tensor(p_model, "p_model", floating=True, finite=True, non_empty=True)
    if p_data.shape != p_model.shape:
        raise ValueError(
            "Los argumentos `p_data` y `p_model` deben tener la misma forma; se recibieron "
            f"{tuple(p_data.shape)} y {tuple(p_model.shape)}."
        )
    if (p_data < 0).any() or (p_model < 0).any() or ((p_data + p_model) == 0).any():
        raise ValueError(
            "Las densidades `p_data` y `p_model` deben ser no negativas y no anularse a la vez."
        )
    return p_data / (p_data + p_model)


# ---------------------------------------------------------------- el entrenamiento
@dataclass
class GanHistory:
    """Historial de una GAN: pérdidas por paso, instantáneas de muestras y duración (s)."""

    d_losses: list[float] = field(default_factory=list)
    g_losses: list[float] = field(default_factory=list)
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)
    seconds: float = 0.0


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
    # 1) Discriminador: las muestras falsas se separan del grafo (detach) para no mover G.
    fake = generator(z, labels)
    d_loss = _discriminator_loss(
        discriminator(real, labels), discriminator(fake.detach(), labels)
    )
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # 2) Generador: el gradiente atraviesa D (ya actualizado), pero solo se mueve G.
    g_loss = _generator_loss(discriminator(fake, labels), loss)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()


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
) -> GanHistory:
    """Entrena una GAN ``steps`` pasos de :func:`train_step` con minilotes sorteados de ``data``.

    Todo el azar (minilotes y ruido) sale de un generador con semilla ``seed``, así que en la CPU
    dos ejecuciones con la misma semilla e iguales redes iniciales dan el mismo resultado bit a
    bit. Cada ``snapshot_every`` pasos (y en el paso 0) guarda ``generator(snapshot_z)`` en
    ``history.snapshots``.
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
    device = torch.device(device) if device is not None else get_device()
    generator.to(device).train()
    discriminator.to(device).train()
    opt_g, opt_d = adam_pair(generator, discriminator, lr, betas)
    rng = torch.Generator().manual_seed(seed)
    data_d = data.to(device)
    labels_d = None if labels is None else labels.to(device)
    history = GanHistory()
    start = time.perf_counter()
    for step in tqdm(range(steps + 1), desc=desc, disable=not progress, mininterval=0.5):
        if snapshot_every and step % snapshot_every == 0:
            history.snapshots[step] = _snapshot(generator, snapshot_z, device)
        if step == steps:
            break
        idx = torch.randint(0, len(data), (batch_size,), generator=rng).to(device)
        z = torch.randn(batch_size, generator.latent_dim, generator=rng).to(device)
        batch_labels = None if labels_d is None else labels_d[idx]
        d_loss, g_loss = train_step(generator, discriminator, opt_g, opt_d, data_d[idx], z,
                                    labels=batch_labels, loss=loss)
        if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
            raise FloatingPointError(
                f"Las pérdidas dejaron de ser finitas en el paso {step + 1}: prueba a bajar `lr`."
            )
        history.d_losses.append(d_loss)
        history.g_losses.append(g_loss)
    history.seconds = time.perf_counter() - start
    generator.eval()
    discriminator.eval()
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


# ---------------------------------------------------------------- la GAN del anillo
def train_ring_gan(
    beta1: float,
    *,
    seed: int = 0,
    recipe: Recipe | None = None,
    snapshot_z: torch.Tensor | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[Generator, Discriminator, GanHistory]:
    """Entrena la GAN del anillo (cuaderno 2.1) con la receta ``gan_anillo`` y el impulso ``beta1``.

    Las redes se inicializan con ``torch.manual_seed(seed)`` (sin tocar el estado aleatorio
    global) y los minilotes y el ruido salen de la misma ``seed``. Con ``snapshot_z`` se guardan
    instantáneas cada ``snapshot_every`` pasos de la receta. Un solo hilo de CPU, el más rápido
    con redes tan pequeñas. Devuelve generador, discriminador (en modo evaluación) e historial.
    """
    recipe = get_recipe("gan_anillo") if recipe is None else recipe
    check_fraction(beta1, "beta1")
    check_non_negative_int(seed, "seed")
    model, train = recipe.model, recipe.training
    data = sample_ring(train["n_points"], seed=recipe.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = Generator(model["latent_dim"], 2, hidden=model["hidden"],
                              n_hidden=model["n_hidden"])
        discriminator = Discriminator(2, hidden=model["hidden"], n_hidden=model["n_hidden"])
    every = train["snapshot_every"] if snapshot_z is not None else 0
    with limit_threads(1):
        history = train_gan(generator, discriminator, data, steps=train["steps"],
                            batch_size=train["batch_size"], lr=train["lr"],
                            betas=(float(beta1), train["beta2"]), seed=seed,
                            snapshot_every=every, snapshot_z=snapshot_z, device=device,
                            desc=f"GAN con β1 = {beta1}", progress=progress)
    return generator, discriminator, history


@dataclass(frozen=True)
class RingRun:
    """Resultado de una semilla del estudio del anillo: cobertura final y a mitad de camino."""

    beta1: float
    seed: int
    final: ModeCoverage
    midway: ModeCoverage


def ring_run(
    beta1: float, seed: int, generator: Generator, history: GanHistory, *, n_samples: int = 5000
) -> RingRun:
    """Mide un entrenamiento del anillo ya hecho: cobertura final y a mitad de camino.

    La final es la de ``n_samples`` muestras nuevas (:func:`sample` con semilla 123, como en el
    cuaderno 2.1); la de mitad de camino, la de la instantánea del paso ``steps // 2``, que
    ``history`` debe contener (entrena con ``snapshot_z``).
    """
    check_positive_int(n_samples, "n_samples")
    if not history.snapshots:
        raise ValueError("El historial no tiene instantáneas: entrena con `snapshot_z`.")
    last = max(history.snapshots)
    if last // 2 not in history.snapshots:
        raise ValueError(
            f"El historial no tiene la instantánea del paso {last // 2} (mitad de {last})."
        )
    return RingRun(float(beta1), int(seed), mode_coverage(sample(generator, n_samples, seed=123)),
                   mode_coverage(history.snapshots[last // 2]))


def ring_seed_study(
    beta1_values: Sequence[float],
    seeds: Sequence[int],
    snapshot_z: torch.Tensor,
    *,
    recipe: Recipe | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> list[RingRun]:
    """Entrena la GAN del anillo con cada ``beta1`` y cada semilla, y mide cada entrenamiento.

    Cada entrenamiento es el de :func:`train_ring_gan` con la receta (``gan_anillo`` por
    defecto) y se mide con :func:`ring_run`; ``snapshot_z`` es el ruido fijo de la instantánea
    de mitad de camino. Devuelve un :class:`RingRun` por par (``beta1``, semilla), en ese orden.
    """
    recipe = get_recipe("gan_anillo") if recipe is None else recipe
    if len(beta1_values) == 0 or len(seeds) == 0:
        raise ValueError("Los argumentos `beta1_values` y `seeds` no pueden estar vacíos.")
    # Instantáneas solo en los pasos 0, steps // 2 y steps.
    recipe = recipe.with_training(snapshot_every=recipe.training["steps"] // 2)
    pairs = [(b, s) for b in beta1_values for s in seeds]
    runs = []
    for beta1, seed in tqdm(pairs, desc="Estudio de semillas", disable=not progress):
        generator, _, history = train_ring_gan(beta1, seed=seed, recipe=recipe,
                                               snapshot_z=snapshot_z, device=device,
                                               progress=False)
        runs.append(ring_run(beta1, seed, generator, history))
    return runs


# ---------------------------------------------------------------- la GAN de los dígitos
def train_digit_gan(
    *,
    seed: int = 0,
    steps: int = DIGIT_STEPS,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[Generator, GanHistory]:
    """Entrena la GAN condicional de los dígitos con la receta del cuaderno 2.2.

    Generador y discriminador de :func:`digit_generator` y :func:`digit_discriminator`, pérdida
    no saturante, Adam y minilotes de dígitos de entrenamiento con la tasa, las β y el tamaño de
    lote de la receta ``gan_digitos`` (:mod:`genai_utils.recipes`). Devuelve el generador (en
    modo evaluación) y el historial. No toca el estado aleatorio global.
    """
    from genai_utils.data import load_digits

    check_non_negative_int(seed, "seed")
    check_positive_int(steps, "steps")
    device = torch.device(device) if device is not None else get_device()
    split = load_digits()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = digit_generator()
        discriminator = digit_discriminator()
    with limit_threads(1):  # un hilo es más rápido con redes tan pequeñas
        history = train_gan(generator, discriminator, split.x_train, labels=split.y_train,
                            steps=steps, batch_size=DIGIT_BATCH_SIZE, lr=DIGIT_LR,
                            betas=DIGIT_BETAS, seed=seed, device=device,
                            desc="GAN de dígitos", progress=progress)
    return generator.requires_grad_(False), history


def train_digit_generator(
    *,
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool = True,
    steps: int = DIGIT_STEPS,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Entrena la GAN condicional de los dígitos (:func:`train_digit_gan`) y devuelve ``generate``.

    ``generate(labels)`` recibe etiquetas ``int64`` (N,) entre 0 y 9 y devuelve imágenes
    (N, 1, 8, 8) en [0, 1]. El ruido de cada llamada se sortea con un generador sembrado con
    ``seed``: la misma llamada tras el mismo entrenamiento da las mismas imágenes.
    """
    generator, _ = train_digit_gan(seed=seed, steps=steps, device=device, progress=progress)
    model_device = next(generator.parameters()).device

    def generate(labels: torch.Tensor) -> torch.Tensor:
        check_tensor(labels, "labels", ndim=1, floating=False)
        z = torch.randn(len(labels), generator.latent_dim,
                        generator=torch.Generator().manual_seed(seed))
        with torch.no_grad():
            return generator(z.to(model_device), labels.to(model_device)).cpu()

    return generate
