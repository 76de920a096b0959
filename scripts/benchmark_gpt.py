"""Banco de pruebas del GPT del libro: entrena con un tiempo fijo y mide bits por carácter.

Uso::

    python scripts/benchmark_gpt.py libro SEGUNDOS [--tokenizador bpe --fusiones 1200 ...]
    python scripts/benchmark_gpt.py ARCHIVO.txt SEGUNDOS [...]

Con ``libro`` usa el reparto por páginas del cuaderno 5.3 (:func:`genai_utils.corpus.book_splits`):
entrena con las páginas de entrenamiento y mide con las de **desarrollo**, nunca con las de
prueba, que el cuaderno reserva para su cifra final; así se puede elegir una receta sin tocar el
texto con el que se informa. Con un archivo de texto UTF-8 entrena con su primer 90 % y mide con
el último 10 %. Entrena durante ``SEGUNDOS`` segundos de reloj (contando también el entrenamiento
del tokenizador) y evalúa la entropía cruzada en ventanas sin solapamiento del contexto del
modelo. Con un tokenizador de subpalabras, los bits por carácter son la log-pérdida total dividida
por el número de caracteres que cubren los tokens puntuados. La última línea resume: parámetros,
caracteres por segundo de entrenamiento y bits por carácter en la parte de evaluación. Es un banco
de pruebas, no una prueba unitaria: los tiempos dependen de la máquina.

Los valores por defecto son la receta ``gpt_libro`` de :mod:`genai_utils.recipes`, la del
cuaderno 5.3. Con ``--tokenizador caracteres`` se entrena un GPT de caracteres (la receta publicada
de nanoGPT para CPU es
``--tokenizador caracteres --capas 4 --cabezas 4 --dim 128 --contexto 64 --lote 12 --lr 1e-3``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from genai_utils.bpe import BPETokenizer
from genai_utils.corpus import book_splits, load_text, split_text
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.lm import CharVocab, bits_per_char, evaluate_lm, train_lm
from genai_utils.recipes import get_recipe
from genai_utils.training import count_parameters, get_device, set_seed


@dataclass
class Data:
    """Tokens de entrenamiento y de validación, y caracteres que empiezan en cada uno de estos."""

    train_ids: Tensor
    val_ids: Tensor
    val_chars: Tensor
    vocab_size: int
    train_chars: int
    description: str


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Argumentos de la línea de órdenes; los valores por defecto son la receta ``gpt_libro``."""
    recipe = get_recipe("gpt_libro")
    model, training = recipe.model, recipe.training
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archivo", help="«libro» (reparto por páginas) o un texto UTF-8")
    parser.add_argument("segundos", type=float, help="presupuesto total (reloj)")
    parser.add_argument("--tokenizador", choices=["bpe", "caracteres"], default="bpe")
    parser.add_argument("--fusiones", type=int, default=model["merges"], help="fusiones del BPE")
    parser.add_argument("--capas", type=int, default=model["n_layer"])
    parser.add_argument("--cabezas", type=int, default=model["n_head"])
    parser.add_argument("--dim", type=int, default=model["n_embd"])
    parser.add_argument("--contexto", type=int, default=model["context"])
    parser.add_argument("--lote", type=int, default=training["batch_size"])
    parser.add_argument("--lr", type=float, default=training["lr"])
    parser.add_argument("--dropout", type=float, default=model["dropout"])
    parser.add_argument("--semilla", type=int, default=recipe.seed)
    parser.add_argument("--hilos", type=int, default=None,
                        help="hilos de CPU (por defecto, los que elija PyTorch)")
    args = parser.parse_args(argv)
    if args.segundos <= 0:
        parser.error("SEGUNDOS debe ser positivo.")
    if args.fusiones < 0:
        parser.error("--fusiones no puede ser negativo.")
    return args


def load_texts(source: str) -> tuple[str, str]:
    """(entrenamiento, evaluación): el reparto por páginas del libro o el 90/10 de un archivo."""
    if source == "libro":
        splits = book_splits()
        return splits.train, splits.dev
    return split_text(load_text(Path(source), min_chars=1000), val_fraction=0.1)


def prepare_data(train_text: str, val_text: str, tokenizer: str, merges: int) -> Data:
    """Tokeniza y cuenta los caracteres de cada token de evaluación."""
    if tokenizer == "caracteres":
        vocab = CharVocab(train_text)
        val_ids = vocab.encode(val_text, unknown="skip")  # lo desconocido no se puntúa
        return Data(vocab.encode(train_text), val_ids, torch.ones(len(val_ids), dtype=torch.long),
                    len(vocab), len(train_text), f"{len(vocab)} caracteres")
    bpe = BPETokenizer().train(train_text, merges)
    val_list = bpe.encode(val_text)
    return Data(torch.tensor(bpe.encode(train_text)), torch.tensor(val_list),
                torch.tensor(bpe.char_counts(val_list)), bpe.vocab_size, len(train_text),
                f"BPE de {bpe.vocab_size} tokens")


def scored_chars(data: Data, context: int) -> int:
    """Caracteres que cubren los objetivos puntuados por ``evaluate_lm`` sin solapamiento."""
    n_windows = (len(data.val_ids) - 1) // context
    return int(data.val_chars[1 : n_windows * context + 1].sum())


def main(argv: list[str] | None = None) -> int:
    """Entrena, evalúa e imprime el resumen; devuelve el código de salida."""
    args = parse_args(argv)
    start = time.perf_counter()
    set_seed(args.semilla)
    if args.hilos is not None:
        torch.set_num_threads(args.hilos)
    data = prepare_data(*load_texts(args.archivo), args.tokenizador, args.fusiones)
    config = GPTConfig(vocab_size=data.vocab_size, context=args.contexto, n_layer=args.capas,
                       n_head=args.cabezas, n_embd=args.dim, dropout=args.dropout)
    model = GPT(config)
    device = get_device()
    left = args.segundos - (time.perf_counter() - start)
    if left <= 0:
        print("El tokenizador ha gastado todo el presupuesto: sube SEGUNDOS.", file=sys.stderr)
        return 1
    history = train_lm(model, data.train_ids, context=args.contexto, batch_size=args.lote,
                       lr=args.lr, max_seconds=left, seed=args.semilla, device=device,
                       desc="GPT")
    total, _ = evaluate_lm(model, data.val_ids, args.contexto, device=device)
    bpc = bits_per_char(total, scored_chars(data, args.contexto))
    chars_per_token = data.train_chars / len(data.train_ids)
    throughput = history.tokens_seen * chars_per_token / history.seconds
    steps = history.steps[-1] if history.steps else 0
    print(f"Texto: {data.train_chars:,} caracteres de entrenamiento, {len(data.val_ids):,} tokens "
          f"de validación; vocabulario: {data.description} ({chars_per_token:.2f} caracteres por "
          f"token); {steps} pasos en {history.seconds:.0f} s de {args.segundos:.0f} s en {device}.")
    print(f"parámetros={count_parameters(model)} caracteres_por_segundo={throughput:.0f} "
          f"bits_por_caracter_validacion={bpc:.3f}")
    return 0 if math.isfinite(bpc) else 1


if __name__ == "__main__":
    torch.set_float32_matmul_precision("high")
    sys.exit(main())
