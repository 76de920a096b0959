"""Modelo de n-gramas de caracteres con suavizado aditivo o de Kneser–Ney (capítulos 1 y 5).

Un modelo de orden ``n`` aproxima la factorización autorregresiva

    p(x_1, …, x_T) = Π_t p(x_t | x_<t)

condicionando cada carácter solo a los ``n − 1`` anteriores. Las probabilidades se estiman
contando en el texto de entrenamiento, con suavizado aditivo (*add-alpha*):

    p(c | contexto) = (N(contexto, c) + α) / (N(contexto) + α·V)

donde ``V`` es el tamaño del vocabulario (los caracteres vistos al entrenar). ``α·V`` es la masa de
«observaciones inventadas» que recibe cada contexto: con ``V ≈ 90`` caracteres, un ``α`` pequeño
(0,01) deja hablar a los recuentos de los contextos poco vistos.

Reglas de los bordes:

* Retroceso (*backoff*, activado por defecto): si el contexto de ``n − 1`` caracteres nunca apareció
  al entrenar, se acorta por la izquierda hasta el más largo que sí apareció (en el peor caso, el
  contexto vacío: las frecuencias de los caracteres). Cada distribución usada está normalizada, así
  que el modelo sigue siendo una distribución de probabilidad válida. Sin retroceso
  (``backoff=False``), un contexto no visto da la distribución uniforme.

* Al principio de un texto, o tras una instrucción (*prompt*) corta, hay menos de ``n − 1``
  caracteres previos: se usa el contexto disponible, más corto, con sus propios recuentos (el
  modelo guarda los de todas las longitudes de ``0`` a ``n − 1``).
* Un carácter desconocido (no visto al entrenar) dentro de la instrucción se conserva en el
  texto; los contextos que lo contienen no aparecieron nunca, así que se aplica la regla anterior.
* ``log_prob`` y ``perplexity`` no pueden puntuar un carácter desconocido: por defecto lanzan un
  error; con ``on_unknown="skip"`` lo omiten del promedio (pero sigue formando parte de los
  contextos).

Kneser–Ney interpolado (``smoothing="kneser_ney"``), el suavizado clásico más fuerte para
n-gramas (Kneser y Ney, 1995; Chen y Goodman, 1999). A cada recuento se le resta un descuento
``D`` y la masa liberada se reparte según el modelo de un orden menos:

    p(c | h) = max(N(h c) − D, 0) / N(h) + D · T(h) / N(h) · p_inf(c | h')

donde ``T(h)`` es el número de caracteres distintos vistos tras ``h`` y ``h'`` es ``h`` sin su
primer carácter. El modelo de orden menor no usa recuentos sino **recuentos de continuación**:
en cuántos contextos distintos aparece ``h' c`` (una pieza que solo sale tras un mismo carácter
es poco útil como continuación nueva). En el orden más bajo se interpola con la uniforme ``1/V``,
así que ningún carácter del vocabulario tiene probabilidad cero. Si ``h`` nunca se vio, se usa
directamente ``p_inf(c | h')``. Cada nivel estima su descuento como ``n1 / (n1 + 2·n2)`` (``n1`` y
``n2``: pares vistos una y dos veces), salvo que se fije con ``discount``. ``alpha`` y ``backoff``
no se usan con Kneser–Ney.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from genai_utils.validation import (
    check_choice,
    check_non_negative_int,
    check_positive_float,
    check_positive_int,
    check_text,
)

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["SMOOTHINGS", "CharNGram"]

SMOOTHINGS = ("add_alpha", "kneser_ney")


class CharNGram:
    """Modelo de lenguaje de ``order``-gramas de caracteres con suavizado aditivo ``alpha``.

    ``backoff`` decide qué hacer con un contexto nunca visto (ver la documentación del módulo).

    ``order=1`` es el modelo de unigramas (frecuencias de caracteres, sin contexto); ``order=2``, el
    de bigramas (cada carácter depende del anterior), etc. ``smoothing`` elige el suavizado:
    ``"add_alpha"`` (el del capítulo 1) o ``"kneser_ney"`` (interpolado; ``discount`` fija su
    descuento, entre 0 y 1, en vez de estimarlo).
    """

    def __init__(
        self,
        order: int,
        *,
        alpha: float = 0.1,
        backoff: bool = True,
        smoothing: str = "add_alpha",
        discount: float | None = None,
    ) -> None:
        check_positive_int(order, "order")
        check_positive_float(alpha, "alpha")
        if not isinstance(backoff, bool):
            raise TypeError(f"`backoff` debe ser True o False; se recibió {backoff!r}.")
        check_choice(smoothing, "smoothing", SMOOTHINGS)
        if discount is not None and (
            isinstance(discount, bool) or not isinstance(discount, float | int)
            or not 0 < discount < 1
        ):
            raise ValueError(
                f"`discount` debe ser None o un número entre 0 y 1 (sin incluirlos); se recibió "
                f"{discount!r}."
            )
        self.order = int(order)
        self.alpha = float(alpha)
        self.backoff = backoff
        self.smoothing = smoothing
        self.discount = None if discount is None else float(discount)
        self.vocab: list[str] = []
        self._index: dict[str, int] = {}
        # _counts[m][contexto][c]: veces que ``c`` siguió a ``contexto`` (de longitud m).
        self._counts: list[dict[str, Counter[str]]] = []
        self._totals: list[dict[str, int]] = []
        # Kneser–Ney: recuentos de continuación por longitud de contexto y descuentos por nivel.
        self._continuations: list[dict[str, Counter[str]]] = []
        self._continuation_totals: list[dict[str, int]] = []
        self._discounts: dict[tuple[bool, int], float] = {}

    # ------------------------------------------------------------------ entrenamiento
    def fit(self, text: str) -> CharNGram:
        """Cuenta los n-gramas de ``text`` (sustituye el ajuste anterior). Devuelve ``self``."""
        check_text(text, "text")
        self.vocab = sorted(set(text))
        self._index = {c: i for i, c in enumerate(self.vocab)}
        self._counts, self._totals = [], []
        for grams in _gram_counts(text, self.order):
            counts: dict[str, Counter[str]] = defaultdict(Counter)
            for gram, n in grams.items():
                counts[gram[:-1]][gram[-1]] = n
            self._counts.append(dict(counts))
            self._totals.append({ctx: sum(c.values()) for ctx, c in counts.items()})
        if self.smoothing == "kneser_ney":
            self._fit_kneser_ney()
        return self

    def _fit_kneser_ney(self) -> None:
        """Recuentos de continuación: en cuántos contextos ``x h`` distintos se vio ``h c``."""
        self._continuations, self._continuation_totals = [], []
        for m in range(self.order - 1):
            continuation: dict[str, Counter[str]] = defaultdict(Counter)
            for longer, followers in self._counts[m + 1].items():
                for char in followers:
                    continuation[longer[1:]][char] += 1
            self._continuations.append(dict(continuation))
            self._continuation_totals.append({h: sum(c.values()) for h, c in continuation.items()})
        self._discounts = {}
        for top, tables in ((True, self._counts), (False, self._continuations)):
            for m, table in enumerate(tables):
                self._discounts[top, m] = self.discount or _estimated_discount(table)

    def _require_fit(self) -> None:
        if not self.vocab:
            raise RuntimeError("El modelo no está entrenado: llama antes a `fit(text)`.")

    @property
    def vocab_size(self) -> int:
        """Número de caracteres distintos vistos al entrenar."""
        return len(self.vocab)

    def _context(self, history: str) -> str:
        """El contexto que se usa para predecir tras ``history``.

        Son los últimos ``order − 1`` caracteres (o todos, si hay menos). Con ``backoff``, si ese
        contexto nunca apareció al entrenar, se acorta por la izquierda hasta uno que sí apareció.
        """
        m = min(self.order - 1, len(history))
        context = history[len(history) - m :]
        if self.backoff and self.smoothing == "add_alpha":
            while context and context not in self._totals[len(context)]:
                context = context[1:]
        return context

    # ------------------------------------------------------------------ probabilidades
    def _prob(self, context: str, char: str) -> float:
        if self.smoothing == "kneser_ney":
            return self._kneser_ney_prob(context, char, top=True)
        m = len(context)
        count = self._counts[m].get(context, Counter()).get(char, 0)
        total = self._totals[m].get(context, 0)
        return (count + self.alpha) / (total + self.alpha * self.vocab_size)

    def _kneser_ney_prob(self, context: str, char: str, *, top: bool) -> float:
        """``p(char | context)`` interpolado; ``top`` usa recuentos, si no, continuaciones."""
        m = len(context)
        lower = (
            1.0 / self.vocab_size if m == 0
            else self._kneser_ney_prob(context[1:], char, top=False)
        )
        counts = (self._counts if top else self._continuations)[m].get(context)
        if not counts:
            return lower
        total = (self._totals if top else self._continuation_totals)[m][context]
        discount = self._discounts[top, m]
        seen = max(counts.get(char, 0) - discount, 0.0)
        return (seen + discount * len(counts) * lower) / total

    def next_char_distribution(self, context: str = "") -> Tensor:
        """Probabilidades ``p(· | contexto)`` como tensor ``float64`` alineado con ``self.vocab``.

        Solo cuentan los últimos ``order − 1`` caracteres de ``context`` (acortados si nunca se
        vieron y ``backoff`` está activado).
        """
        self._require_fit()
        check_text(context, "context", allow_empty=True)
        return self._distribution(context)

    def _distribution(self, context: str) -> Tensor:
        import torch  # solo aquí: contar y ajustar el modelo no necesita PyTorch

        ctx = self._context(context)
        if self.smoothing == "kneser_ney":
            values = [self._prob(ctx, c) for c in self.vocab]
            vec = torch.tensor(values, dtype=torch.float64)
            return vec / vec.sum()
        m = len(ctx)
        counts = self._counts[m].get(ctx, Counter())
        values = [self.alpha] * self.vocab_size
        for char, n in counts.items():
            values[self._index[char]] += n
        vec = torch.tensor(values, dtype=torch.float64)
        return vec / vec.sum()

    def next_char_probs(self, context: str = "") -> dict[str, float]:
        """Igual que :meth:`next_char_distribution`, como diccionario ``carácter → probabilidad``
        en el orden de ``self.vocab``."""
        probs = self.next_char_distribution(context)
        return {c: float(p) for c, p in zip(self.vocab, probs, strict=True)}

    def log_prob(self, text: str, *, on_unknown: str = "error") -> float:
        """Logaritmo natural de la probabilidad de ``text``: ``Σ_t log p(x_t | x_<t)``.

        El primer carácter se predice sin contexto, el segundo con uno, etc. (hasta ``order − 1``).
        Con ``on_unknown="skip"`` los caracteres no vistos al entrenar no se puntúan.
        """
        total, _ = self._score(text, on_unknown)
        return total

    def perplexity(self, text: str, *, on_unknown: str = "error") -> float:
        """Perplejidad por carácter: ``exp(−(1/T) Σ_t log p(x_t | x_<t))`` con logaritmo natural.

        Es la exponencial de la entropía cruzada media en *nats*; se lee como «el número de
        caracteres entre los que el modelo duda, en promedio». Un modelo uniforme da ``V``.
        """
        total, n = self._score(text, on_unknown)
        if n == 0:
            raise ValueError(
                "`text` no contiene ningún carácter del vocabulario que se pueda puntuar."
            )
        return math.exp(-total / n)

    def _score(self, text: str, on_unknown: str) -> tuple[float, int]:
        self._require_fit()
        check_text(text, "text")
        check_choice(on_unknown, "on_unknown", ("error", "skip"))
        unknown = sorted(set(text) - set(self.vocab))
        if unknown and on_unknown == "error":
            raise ValueError(
                f"`text` contiene caracteres que no se vieron al entrenar: {unknown!r}. "
                'Elimínalos o usa on_unknown="skip".'
            )
        total, n = 0.0, 0
        for t, char in enumerate(text):
            if char in self._index:
                history = text[max(0, t - self.order + 1) : t]
                total += math.log(self._prob(self._context(history), char))
                n += 1
        return total, n

    # ------------------------------------------------------------------ muestreo
    def sample(
        self, n_chars: int, *, prompt: str = "", temperature: float = 1.0, seed: int = 0
    ) -> str:
        """Genera ``n_chars`` caracteres nuevos tras ``prompt`` y devuelve ``prompt`` + lo generado.

        En cada paso se aplica ``temperature`` a las log-probabilidades del siguiente carácter
        (ver :func:`genai_utils.sampling.apply_temperature`) y se sortea uno con la semilla
        ``seed``.
        """
        self._require_fit()
        check_non_negative_int(n_chars, "n_chars")
        check_text(prompt, "prompt", allow_empty=True)
        check_positive_float(temperature, "temperature")
        check_non_negative_int(seed, "seed")
        import torch

        from genai_utils.sampling import _sample, _softmax

        generator = torch.Generator().manual_seed(int(seed))
        text = prompt
        for _ in range(int(n_chars)):  # argumentos ya validados: nada se comprueba por carácter
            logits = self._distribution(text).log()
            probs = _softmax(logits, float(temperature))
            text += self.vocab[_sample(probs, generator)]
        return text

    def __repr__(self) -> str:
        if self.smoothing == "kneser_ney":
            return (
                f"CharNGram(order={self.order}, smoothing='kneser_ney', "
                f"vocab_size={self.vocab_size})"
            )
        return f"CharNGram(order={self.order}, alpha={self.alpha}, vocab_size={self.vocab_size})"


def _gram_counts(text: str, order: int) -> list[Counter[str]]:
    """Recuentos de las piezas de 1, 2, …, ``order`` caracteres de ``text`` (en ese orden).

    Se cuentan una vez las piezas más largas y las cortas se obtienen sumando sus sufijos: cada
    pieza de ``m + 1`` caracteres que termina en la posición ``t ≥ m + 1`` es el final de una
    pieza más larga; solo la que termina en ``t = m`` (el principio del texto) no lo es.
    """
    top = min(order, len(text)) - 1
    levels = [Counter(text[t - top : t + 1] for t in range(top, len(text)))]
    for m in range(top - 1, -1, -1):
        shorter: Counter[str] = Counter()
        for gram, n in levels[-1].items():
            shorter[gram[1:]] += n
        shorter[text[: m + 1]] += 1
        levels.append(shorter)
    levels.reverse()
    return levels + [Counter() for _ in range(order - len(levels))]


def _estimated_discount(table: dict[str, Counter[str]]) -> float:
    """Descuento ``n1 / (n1 + 2·n2)`` de Ney, Essen y Kneser (1994), acotado a [0,05; 0,95]."""
    values = Counter(n for followers in table.values() for n in followers.values())
    n1, n2 = values.get(1, 0), values.get(2, 0)
    if n1 + n2 == 0:
        return 0.5
    return min(0.95, max(0.05, n1 / (n1 + 2 * n2)))
