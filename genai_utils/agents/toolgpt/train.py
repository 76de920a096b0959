"""Entrenamiento del GPT de herramientas con la receta ``gpt_herramientas``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial

import torch

from genai_utils.agents.toolgpt.data import ToolExample
from genai_utils.agents.toolgpt.decoding import ToolGPT
from genai_utils.agents.toolgpt.format import format_phrases, render_turns
from genai_utils.agents.toolgpt.vocab import WordCharVocab
from genai_utils.agents.tools import ToolRegistry
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.masking import masked_loss, next_token_rows, scored_lengths
from genai_utils.recipes import get_recipe
from genai_utils.schedules import warmup_times_cosine
from genai_utils.trainer import Trainer
from genai_utils.validation import check_non_negative_int, check_positive_int


def _encode_examples(
    texts: Sequence[tuple[str, list[tuple[int, int]]]],
    vocab: WordCharVocab,
    context: int,
    *,
    word_dropout: float = 0.0,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Matrices (N, context) de entrada y de objetivo (:mod:`genai_utils.masking`).

    Cada tramo se tokeniza por separado, así sus fronteras coinciden con las de los tokens.
    Con ``word_dropout`` > 0 (y un vocabulario con marcadores), en cada ejemplo cada palabra
    conocida se trata como desconocida con esa probabilidad, en todas sus apariciones: el modelo
    aprende a elegir herramienta sin conocer todas las palabras y a copiar un marcador."""
    rows = []
    for text, spans in texts:
        cuts = sorted({0, len(text), *(p for span in spans for p in span)})
        ids: list[int] = []
        trained: list[bool] = []
        unknown: dict[str, str] = {}
        drop = _words_to_drop(text, vocab, word_dropout, generator) if word_dropout else set()
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            piece = vocab.encode(text[a:b], unknown, drop).tolist()
            ids += piece
            trained += [any(s <= a and b <= e for s, e in spans)] * len(piece)
        if len(ids) > context + 1:
            raise ValueError(f"Un ejemplo ocupa {len(ids)} tokens y el contexto es {context}.")
        rows.append((ids, trained))
    return next_token_rows(rows, context)


def _words_to_drop(
    text: str, vocab: WordCharVocab, p: float, generator: torch.Generator | None
) -> set[str]:
    """Palabras conocidas de ``text`` que se tratarán como desconocidas, con probabilidad ``p``."""
    words = sorted({t.strip() for t in vocab.tokenize(text) if vocab.is_word(t)})
    draws = torch.rand(len(words), generator=generator).tolist()
    return {w for w, r in zip(words, draws, strict=True) if r < p}


def _observations(examples: Sequence[ToolExample], registry: ToolRegistry) -> list[str]:
    """Ejecuta de verdad la llamada correcta de cada ejemplo (una vez por llamada distinta)."""
    cache: dict[str, str] = {}
    out = []
    for e in examples:
        key = e.tool + json.dumps(e.arguments, ensure_ascii=False, sort_keys=True)
        if key not in cache:
            cache[key] = registry.call(e.tool, e.arguments).text
        out.append(cache[key])
    return out


_RECIPE = get_recipe("gpt_herramientas")


def train_tool_gpt(
    examples: Sequence[ToolExample],
    registry: ToolRegistry,
    *,
    steps: int = _RECIPE.training["steps"],
    batch_size: int = _RECIPE.training["batch_size"],
    context: int = _RECIPE.model["context"],
    n_layer: int = _RECIPE.model["n_layer"],
    n_head: int = _RECIPE.model["n_head"],
    n_embd: int = _RECIPE.model["n_embd"],
    lr: float = _RECIPE.training["lr"],
    word_min_count: int | None = _RECIPE.model["word_min_count"],
    word_dropout: float = _RECIPE.model["word_dropout"],
    seed: int = _RECIPE.seed,
    device: torch.device | str | None = None,
    progress: bool = True,
) -> tuple[ToolGPT, list[float]]:
    """Entrena el GPT con ``examples``; devuelve el :class:`ToolGPT` y la curva de pérdida.

    Los valores por defecto son la receta ``gpt_herramientas`` de :mod:`genai_utils.recipes`.

    Las observaciones de los ejemplos se obtienen ejecutando de verdad la llamada correcta con
    ``registry``; cada conversación da dos turnos (:func:`render_turns`). El vocabulario es
    :class:`WordCharVocab` con las palabras que aparecen al menos ``word_min_count`` veces y
    marcadores para las desconocidas, con ``word_dropout`` (``word_min_count=None``: solo
    caracteres, sin marcadores ni abandono). Cada lote reúne turnos de longitud parecida (se
    ordenan por longitud y se toma una ventana al azar), para no gastar cálculo en relleno. Con
    la misma semilla y en la CPU el resultado es idéntico bit a bit.
    """
    check_positive_int(steps, "steps")
    check_positive_int(batch_size, "batch_size")
    check_non_negative_int(seed, "seed")
    if not examples:
        raise ValueError("El argumento `examples` no puede estar vacío.")
    device = torch.device("cpu" if device is None else device)
    observations = _observations(examples, registry)
    rendered = [
        turn for e, o in zip(examples, observations, strict=True) for turn in render_turns(e, o)
    ]
    words = word_min_count is not None
    vocab = WordCharVocab(
        [t for t, _ in rendered], word_min_count, format_phrases(), unknown_token=words
    )
    generator = torch.Generator().manual_seed(seed)
    x, y = _encode_examples(
        rendered, vocab, context, word_dropout=word_dropout if words else 0.0, generator=generator
    )
    # Longitud útil de cada turno (hasta su último token con pérdida) y orden por longitud.
    lengths = scored_lengths(y)
    shuffled = torch.randperm(len(x), generator=generator)
    order = shuffled[torch.argsort(lengths[shuffled], stable=True)]
    batch_size = min(batch_size, len(x))
    x, y = x.to(device), y.to(device)
    torch.manual_seed(seed)
    config = GPTConfig(len(vocab), context=context, n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    model = GPT(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)

    def next_batch() -> tuple[torch.Tensor, int]:
        start = int(torch.randint(len(x) - batch_size + 1, (1,), generator=generator))
        idx = order[start : start + batch_size]  # turnos de longitud parecida
        return idx.to(device), int(lengths[idx].max())  # la longitud recorta el relleno final

    def step(batch: tuple[torch.Tensor, int]) -> dict[str, torch.Tensor]:
        idx, length = batch
        return {"loss": masked_loss(model, x[idx, :length], y[idx, :length])}

    # Calentamiento corto (50 pasos) y decaimiento coseno.
    trainer = Trainer(step, optimizer=optimizer, clip_grad=1.0,
                      schedule=partial(warmup_times_cosine, lr=lr, warmup=50),
                      desc="entrenando el GPT de herramientas", progress=progress)
    model.train()
    history = trainer.run(next_batch, steps=steps)
    model.eval()
    return ToolGPT(model, vocab, device), history["loss"]
