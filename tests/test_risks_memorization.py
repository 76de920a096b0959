"""Pruebas de las medidas de memorización: vecino más cercano y n-gramas copiados."""

from __future__ import annotations

import pytest
import torch

from genai_utils.risks.memorization import (
    char_ngrams,
    longest_copied_substring,
    nearest_neighbor_distances,
    ngram_overlap,
)


def test_vecino_mas_cercano_a_mano() -> None:
    reference = torch.tensor([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    queries = torch.tensor([[0.0, 1.0], [3.0, 4.0], [6.0, 0.0], [9.0, 0.0]])
    distances, indices = nearest_neighbor_distances(queries, reference)
    assert torch.allclose(distances, torch.tensor([1.0, 0.0, 4.0, 1.0]))
    assert indices.tolist() == [0, 1, 2, 2]  # (6, 0) está a 5 de (3, 4) y a 4 de (10, 0)


def test_vecino_mas_cercano_por_lotes_e_imagenes() -> None:
    generator = torch.Generator().manual_seed(0)
    reference = torch.rand(50, 1, 8, 8, generator=generator)
    queries = torch.rand(23, 1, 8, 8, generator=generator)
    d1, i1 = nearest_neighbor_distances(queries, reference, batch_size=4)
    d2, i2 = nearest_neighbor_distances(queries.reshape(23, 64), reference)
    assert d1.shape == i1.shape == (23,)
    assert torch.allclose(d1, d2) and torch.equal(i1, i2)
    brute = ((queries.reshape(23, 1, 64) - reference.reshape(1, 50, 64)) ** 2).sum(-1).sqrt()
    assert torch.allclose(d1, brute.min(dim=1).values, atol=1e-5)
    copies, idx = nearest_neighbor_distances(reference[[7, 3]], reference)
    assert torch.allclose(copies, torch.zeros(2), atol=1e-3) and idx.tolist() == [7, 3]


def test_vecino_mas_cercano_errores() -> None:
    with pytest.raises(ValueError, match="mismo número de píxeles"):
        nearest_neighbor_distances(torch.rand(3, 64), torch.rand(4, 63))
    with pytest.raises(ValueError, match="`reference`"):
        nearest_neighbor_distances(torch.rand(3, 64), torch.rand(0, 64))
    with pytest.raises(TypeError, match="`queries`"):
        nearest_neighbor_distances(torch.ones(3, 64, dtype=torch.long), torch.rand(4, 64))
    with pytest.raises(ValueError, match="`batch_size`"):
        nearest_neighbor_distances(torch.rand(3, 64), torch.rand(4, 64), batch_size=0)


def test_ngramas_a_mano() -> None:
    assert char_ngrams("abcab", 2) == {"ab", "bc", "ca"}
    assert char_ngrams("ab", 3) == set()
    # «abcd» tiene los trigramas abc, bcd; en «xabcx» solo está abc → 1/2
    assert ngram_overlap("abcd", "xabcx", 3) == 0.5
    # se cuentan las posiciones: «aaaab» → aa, aa, aa, ab; solo «aa» está en «aa»
    assert ngram_overlap("aaaab", "aa", 2) == 0.75
    index = char_ngrams("xabcx", 3)
    assert ngram_overlap("abcd", index, 3) == 0.5
    assert ngram_overlap("hola", "hola mundo", 4) == 1.0
    assert ngram_overlap("zzzz", "hola mundo", 2) == 0.0


def test_fragmento_copiado_mas_largo() -> None:
    training = "el gato come pescado y el perro come carne"
    assert longest_copied_substring("un gato come pan", training) == " gato come p"
    assert longest_copied_substring("xwz", training) == ""
    assert longest_copied_substring("", training) == ""
    assert longest_copied_substring("carne", training) == "carne"
    # con empates devuelve el primero
    assert longest_copied_substring("abXcd", "ab cd") == "ab"


def test_fragmento_copiado_contra_fuerza_bruta() -> None:
    generator = torch.Generator().manual_seed(0)
    alphabet = "abc"
    for _ in range(30):
        gen = "".join(alphabet[i] for i in torch.randint(0, 3, (12,), generator=generator))
        train = "".join(alphabet[i] for i in torch.randint(0, 3, (20,), generator=generator))
        brute = max(
            (gen[i:j] for i in range(len(gen)) for j in range(i, len(gen) + 1)
             if gen[i:j] in train),
            key=len,
        )
        assert len(longest_copied_substring(gen, train)) == len(brute)
        assert longest_copied_substring(gen, train) in train


def test_ngramas_errores() -> None:
    with pytest.raises(ValueError, match="al menos `n` = 5"):
        ngram_overlap("abc", "abcdef", 5)
    with pytest.raises(TypeError, match="`generated`"):
        ngram_overlap(123, "abc", 1)
    with pytest.raises(TypeError, match="`training`"):
        ngram_overlap("abc", ["abc"], 3)
    with pytest.raises(ValueError, match="longitud `n` = 2"):
        ngram_overlap("abc", char_ngrams("abc", 3), 2)
    with pytest.raises(ValueError, match="`n`"):
        char_ngrams("abc", 0)
    with pytest.raises(TypeError, match="`training`"):
        longest_copied_substring("abc", None)
