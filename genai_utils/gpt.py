"""Un GPT pequeño y legible: atención causal, bloques del decodificador y generación (capítulo 5).

El modelo sigue la receta de los GPT (*decoder-only*): cada posición de la secuencia recibe una
incrustación (*embedding*) de su token y otra de su posición; una pila de bloques mezcla la
información entre posiciones con **autoatención causal** (cada posición solo ve las anteriores) y
la transforma con un perceptrón; una última capa da, para cada posición, los *logits* del token
siguiente.

    logits = head(ln_f(bloque_L(… bloque_1(tok_emb[idx] + pos_emb[0..T)) …)))

Cada bloque usa normalización previa (*pre-norm*) y conexiones residuales:

    x = x + atención(ln_1(x))
    x = x + mlp(ln_2(x))

La atención se escribe explícitamente (``softmax(q kᵀ / √d + máscara) v``) cuando se piden los
pesos para dibujarlos; si no, se usa ``F.scaled_dot_product_attention``, que calcula lo mismo más
deprisa. Las pruebas comprueban que ambos caminos coinciden.

Al generar, cada token nuevo solo necesita su propia consulta: las claves y los valores de los
tokens anteriores no cambian. La **caché de claves y valores** (*KV cache*, :class:`KVCache`) los
guarda capa a capa, y cada paso procesa un solo token en lugar de la ventana entera. Con
incrustaciones de posición absolutas vale mientras la secuencia cabe en el contexto; cuando la
ventana empieza a deslizarse, las posiciones de todos los tokens cambian y hay que recalcularla.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from genai_utils.generation import generate_tokens
from genai_utils.validation import check_keywords, check_positive_int
from genai_utils.validation_tensors import check_tensor

__all__ = ["GPT", "Block", "CausalSelfAttention", "GPTConfig", "KVCache", "causal_mask"]


@dataclass(frozen=True)
class GPTConfig:
    """Hiperparámetros del GPT.

    ``context`` es la longitud máxima de la secuencia que el modelo ve de una vez (*block size*);
    ``n_embd`` debe ser divisible por ``n_head``: cada cabeza trabaja con ``n_embd // n_head``
    dimensiones.
    """

    vocab_size: int
    context: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context", "n_layer", "n_head", "n_embd"):
            check_positive_int(getattr(self, name), name)
        if self.n_embd % self.n_head != 0:
            raise ValueError(
                f"`n_embd` ({self.n_embd}) debe ser divisible por `n_head` ({self.n_head}): "
                "cada cabeza de atención recibe n_embd // n_head dimensiones."
            )
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, int | float):
            raise TypeError(
                f"El argumento `dropout` debe ser un número en [0, 1); se recibió {self.dropout!r}."
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(
                f"El argumento `dropout` debe estar en [0, 1); se recibió {self.dropout!r}."
            )


_MAX_MASK = 16_384  # una máscara de 16 384 × 16 384 booleanos ocupa 256 MiB


def causal_mask(size: int, device: torch.device | str | None = None) -> Tensor:
    """Máscara booleana (size, size): ``True`` donde la fila i puede mirar la columna j (j ≤ i)."""
    check_positive_int(size, "size", maximum=_MAX_MASK)
    return torch.ones(size, size, dtype=torch.bool, device=device).tril()


class KVCache:
    """Las claves y los valores ya calculados de cada capa, para generar token a token.

    ``keys[i]`` y ``values[i]`` son tensores (B, cabezas, T, d) de la capa ``i``; ``tokens`` son
    los T tokens que los produjeron. :meth:`GPT.generate` la crea y la mantiene.
    """

    def __init__(self, n_layer: int) -> None:
        self.keys: list[Tensor | None] = [None] * n_layer
        self.values: list[Tensor | None] = [None] * n_layer
        self.tokens: Tensor | None = None

    @property
    def length(self) -> int:
        """Cuántas posiciones guarda (0 si está vacía)."""
        return 0 if self.tokens is None else self.tokens.shape[1]

    def extend(self, layer: int, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Añade las claves y valores nuevos de ``layer`` y devuelve todos los de esa capa."""
        past_k, past_v = self.keys[layer], self.values[layer]
        if past_k is not None and past_v is not None:
            k, v = torch.cat([past_k, k], dim=2), torch.cat([past_v, v], dim=2)
        self.keys[layer], self.values[layer] = k, v
        return k, v


class CausalSelfAttention(nn.Module):
    """Autoatención con varias cabezas en paralelo y máscara causal."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(
        self, x: Tensor, need_weights: bool = False, cache: tuple[KVCache, int] | None = None
    ) -> tuple[Tensor, Tensor | None]:
        """``x`` (B, T, C) → salida (B, T, C) y, si se piden, los pesos (B, cabezas, T, T).

        Con ``cache = (caché, capa)``, ``x`` son solo las posiciones nuevas: sus claves y valores
        se añaden a los guardados y sus consultas miran todos.
        """
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) → (B, cabezas, T, d): las cabezas se calculan a la vez, en paralelo.
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        p = self.dropout if self.training else 0.0
        if cache is not None:
            store, layer = cache
            past = 0 if store.keys[layer] is None else store.keys[layer].shape[2]
            k, v = store.extend(layer, k, v)
            # La consulta de la posición past + i ve las claves 0 … past + i.
            mask = None if T == 1 else causal_mask(past + T, x.device)[past:]
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            return self.proj(y.transpose(1, 2).contiguous().view(B, T, C)), None
        if need_weights:
            scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])
            scores = scores.masked_fill(~causal_mask(T, x.device), float("-inf"))
            weights = torch.softmax(scores, dim=-1)
            y = F.dropout(weights, p, self.training) @ v
        else:
            weights = None
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # se vuelven a juntar las cabezas
        return F.dropout(self.proj(y), p, self.training), weights


class Block(nn.Module):
    """Un bloque del decodificador: atención y perceptrón, cada uno con su conexión residual."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
            nn.Dropout(config.dropout),
        )

    def forward(
        self, x: Tensor, need_weights: bool = False, cache: tuple[KVCache, int] | None = None
    ) -> tuple[Tensor, Tensor | None]:
        """``x`` (B, T, C) → (B, T, C) y los pesos de atención si se piden."""
        attended, weights = self.attn(self.ln_1(x), need_weights, cache)
        x = x + attended
        x = x + self.mlp(self.ln_2(x))
        return x, weights


class GPT(nn.Module):
    """Modelo de lenguaje autorregresivo: tokens (B, T) → logits del token siguiente (B, T, V)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(
                f"El argumento `config` debe ser un GPTConfig; se recibió {type(config).__name__}."
            )
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)
        self.pos_emb = nn.Embedding(config.context, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # Pesos compartidos con las incrustaciones de entrada.
        self.head.weight = self.tok_emb.weight
        self.apply(_init_weights)

    def forward(
        self, idx: Tensor, targets: Tensor | None = None
    ) -> tuple[Tensor, Tensor | None]:
        """Devuelve ``(logits, pérdida)``.

        La pérdida es la entropía cruzada media (en nats por token) si se dan ``targets``.
        """
        self._check_tokens(idx, "idx")
        logits = self._logits(idx)
        if targets is None:
            return logits, None
        self._check_tokens(targets, "targets")
        if targets.shape != idx.shape:
            raise ValueError(
                f"`targets` debe tener la misma forma que `idx` {tuple(idx.shape)}; "
                f"se recibió {tuple(targets.shape)}."
            )
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss

    @torch.no_grad()
    def attention_maps(self, idx: Tensor) -> Tensor:
        """Pesos de atención de todas las capas: (capas, B, cabezas, T, T). Cada fila suma 1."""
        self._check_tokens(idx, "idx")
        was_training = self.training
        self.eval()
        x, maps = self._embed(idx), []
        for block in self.blocks:
            x, weights = block(x, need_weights=True)
            maps.append(weights)
        self.train(was_training)
        return torch.stack(maps)

    @torch.no_grad()
    def generate(
        self, idx: Tensor, max_new_tokens: int, *, use_cache: bool = True, **sampling: Any,
    ) -> Tensor:
        """Añade ``max_new_tokens`` tokens a ``idx`` (B, T), uno tras otro, y devuelve (B, T + n).

        Es el bucle común de :func:`genai_utils.generation.generate_tokens`, y ``sampling`` son
        sus opciones: ``temperature``, ``top_k``, ``top_p``, ``processors``, ``greedy`` y
        ``seed``. En cada paso se toman los logits de la última posición, se pasan por los
        ``processors`` (la marca de agua, por ejemplo), se dividen por ``temperature`` y
        después se quedan solo los ``top_k`` más probables y/o el menor conjunto cuya
        probabilidad acumulada llega a ``top_p`` (muestreo de núcleo), y se sortea el token
        siguiente; con ``greedy=True`` se toma el más probable. Con ``seed`` el resultado es
        reproducible. Con ``use_cache`` (por defecto) cada paso reutiliza las claves y los
        valores de los anteriores (:class:`KVCache`): los mismos tokens, más deprisa. La
        ventana es siempre el contexto del modelo.
        """
        self._check_tokens(idx, "idx", check_context=False)  # la ventana se recorta en cada paso
        check_keywords(sampling, generate_tokens, "`GPT.generate`", exclude=("context",),
                       own=("use_cache",))
        if not isinstance(use_cache, bool):
            raise TypeError(
                f"El argumento `use_cache` debe ser True o False; se recibió {use_cache!r}."
            )
        was_training = self.training
        self.eval()
        step = self._cached_step() if use_cache else (lambda w: self._logits(w)[:, -1, :])
        try:
            return generate_tokens(step, idx, max_new_tokens, context=self.config.context,
                                   **sampling)
        finally:
            self.train(was_training)

    def _cached_step(self) -> Callable[[Tensor], Tensor]:
        """Una función ventana → logits del token siguiente que reutiliza una :class:`KVCache`.

        Si la ventana es la anterior con un token más, solo procesa ese token; si no (el primer
        paso, o la ventana ya se desliza y las posiciones cambian), la procesa entera de nuevo.
        """
        cache = KVCache(self.config.n_layer)

        def step(window: Tensor) -> Tensor:
            nonlocal cache
            grows = (window.shape[1] == cache.length + 1 and cache.tokens is not None
                     and torch.equal(window[:, :-1], cache.tokens))
            if not grows:
                if window.shape[1] == self.config.context and cache.length == window.shape[1]:
                    # La ventana ya se desliza: la caché no sirve y no vale la pena rehacerla.
                    return self._logits(window)[:, -1, :]
                cache = KVCache(self.config.n_layer)
            new = window[:, cache.length:]
            logits = self._logits(new, cache=cache, start=cache.length)
            cache.tokens = window
            return logits[:, -1, :]

        return step

    def _logits(self, idx: Tensor, cache: KVCache | None = None, start: int = 0) -> Tensor:
        # Sin comprobaciones: ``forward`` y ``generate`` validan ``idx`` antes de llamarla.
        x = self._embed(idx, start)
        for layer, block in enumerate(self.blocks):
            x, _ = block(x, cache=None if cache is None else (cache, layer))
        return self.head(self.ln_f(x))

    def _embed(self, idx: Tensor, start: int = 0) -> Tensor:
        positions = torch.arange(start, start + idx.shape[1], device=idx.device)
        return self.drop(self.tok_emb(idx) + self.pos_emb(positions))

    def _check_tokens(self, idx: object, name: str, check_context: bool = True) -> None:
        check_tensor(idx, name, ndim=2, floating=False)
        B, T = idx.shape
        if B == 0 or T == 0:
            raise ValueError(f"`{name}` no puede estar vacío; se recibió forma {(B, T)}.")
        if check_context and T > self.config.context:
            raise ValueError(
                f"`{name}` tiene {T} posiciones y el contexto del modelo es "
                f"{self.config.context}; recorta la secuencia o aumenta `context`."
            )
        if int(idx.min()) < 0 or int(idx.max()) >= self.config.vocab_size:
            raise ValueError(
                f"`{name}` contiene tokens fuera del vocabulario [0, {self.config.vocab_size}); "
                f"se encontró el rango [{int(idx.min())}, {int(idx.max())}]."
            )


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear | nn.Embedding):
        nn.init.normal_(module.weight, mean=0.0, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
