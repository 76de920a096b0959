"""La copia de la prosa del libro que lleva el paquete (genai_utils.packaged_book)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from guiones import cargar_guion

from genai_utils import corpus, packaged_book

RAIZ = Path(__file__).resolve().parents[1]


def _empaquetador():
    return cargar_guion("empaquetar_libro")


def test_la_copia_tiene_el_indice_las_paginas_y_el_texto_de_los_cuadernos() -> None:
    files = _empaquetador().book_files()
    assert "_toc.yml" in files and "book/intro.md" in files
    assert any(n.startswith("notebooks/") for n in files)
    assert not any("/_" in n for n in files)  # ni _demos ni _static
    cuaderno = next(v for n, v in files.items() if n.startswith("notebooks/")).decode()
    assert '"code"' not in cuaderno  # solo celdas de texto


def test_el_archivo_es_reproducible() -> None:
    empaquetar = _empaquetador()
    files = {"_toc.yml": b"x", "book/a.md": "# Título\n\nTexto.".encode()}
    assert empaquetar.build_archive(files) == empaquetar.build_archive(dict(files))


def _copia(tmp_path: Path) -> Path:
    archivo = tmp_path / "libro.zip"
    archivo.write_bytes(_empaquetador().build_archive({
        "_toc.yml": b"root: book/intro\n",
        "book/intro.md": "# Introducción\n\nEste libro enseña.\n".encode(),
        "book/01_conceptos/historia.md": b"# Historia\n\nUna historia breve del campo.\n",
        "book/02_gan/juego.md": b"# El juego\n\nDos redes que compiten.\n",
    }))
    return archivo


def test_se_descomprime_una_vez_en_la_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GENAI_CACHE_DIR", str(tmp_path / "cache"))
    raiz = packaged_book.packaged_book_root(_copia(tmp_path))
    assert (raiz / "_toc.yml").is_file() and (raiz / "book/intro.md").is_file()
    marca = (raiz / ".completo").stat().st_mtime_ns
    assert packaged_book.packaged_book_root(_copia(tmp_path)) == raiz
    assert (raiz / ".completo").stat().st_mtime_ns == marca  # no se volvió a descomprimir
    assert [p.name for p in raiz.parent.iterdir()] == [raiz.name]  # sin carpetas temporales


def test_sin_copia_no_hay_raiz(tmp_path: Path) -> None:
    assert packaged_book.packaged_book_root(tmp_path / "no_existe.zip") is None


def test_rechaza_rutas_que_salen_de_la_carpeta(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GENAI_CACHE_DIR", str(tmp_path / "cache"))
    malo = tmp_path / "malo.zip"
    with zipfile.ZipFile(malo, "w") as zf:
        zf.writestr("../fuera.txt", "no")
    with pytest.raises(ValueError, match="ruta no válida"):
        packaged_book.packaged_book_root(malo)
    assert not (tmp_path / "fuera.txt").exists()


def test_fuera_del_repositorio_el_corpus_sale_de_la_copia(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GENAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GENAI_LIBRO_DIR", raising=False)
    archivo = _copia(tmp_path)
    copia = packaged_book.packaged_book_root
    monkeypatch.setattr(corpus, "packaged_book_root", lambda: copia(archivo))
    lejos = tmp_path / "lejos"
    lejos.mkdir()
    raiz = corpus.find_book_root(lejos)
    assert raiz.is_relative_to(tmp_path / "cache")
    assert "Dos redes que compiten." in corpus.book_corpus(raiz)


def test_sin_repositorio_ni_copia_el_error_lo_explica(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GENAI_LIBRO_DIR", raising=False)
    monkeypatch.setattr(corpus, "packaged_book_root", lambda: None)
    with pytest.raises(FileNotFoundError, match="make paquete"):
        corpus.find_book_root(tmp_path)
