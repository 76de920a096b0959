"""Abre el sitio construido en Chromium (del sistema, vía Playwright), como lo haría un lector.

El sitio se sirve en 127.0.0.1 y se comprueba que funciona sin red: ninguna petición sale de esa
dirección, las fórmulas se componen, las figuras cargan, los widgets se dibujan y la búsqueda
encuentra palabras con tilde.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.libro

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGUMENTOS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Silencioso(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # no ensuciar la salida de pytest
        pass


@pytest.fixture(scope="module")
def servidor(libro) -> Iterator[str]:
    assert libro.returncode == 0, "El libro no se construyó:\n" + libro.log[-3000:]
    manejador = functools.partial(_Silencioso, directory=str(libro.html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), manejador)
    hilo = threading.Thread(target=httpd.serve_forever, daemon=True)
    hilo.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def navegador():
    assert Path(CHROMIUM).exists(), "Falta Chromium: ejecuta `make sistema`."
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTOS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def pagina(navegador, servidor):
    """Una pestaña nueva que registra todas las peticiones que hace."""
    contexto = navegador.new_context()
    page = contexto.new_page()
    page.peticiones = []
    page.on("request", lambda req: page.peticiones.append(req.url))
    yield page
    contexto.close()


def _externas(urls: list[str]) -> list[str]:
    fuera = []
    for url in urls:
        partes = urlparse(url)
        if partes.scheme in ("data", "blob", "about"):
            continue
        if partes.hostname != "127.0.0.1":
            fuera.append(url)
    return fuera


def test_portada_en_espanol_y_sin_peticiones_externas(pagina, servidor) -> None:
    pagina.goto(f"{servidor}/index.html", wait_until="networkidle")
    assert pagina.locator("html").get_attribute("lang") == "es"
    assert "IA generativa" in pagina.title()
    assert _externas(pagina.peticiones) == []


def test_cuaderno_con_formulas_figuras_y_widget(pagina, servidor) -> None:
    pagina.goto(f"{servidor}/notebooks/01_2_ngramas.html", wait_until="networkidle")
    # Solo el artículo: el índice lateral plegado puede contener fórmulas que no se ven.
    pagina.wait_for_selector("article mjx-container", timeout=20_000)
    assert pagina.locator("article mjx-container").count() > 0, "MathJax no compuso ninguna fórmula"
    sin_componer = pagina.locator("article .math:not(:has(mjx-container))").count()
    assert sin_componer == 0, f"{sin_componer} fórmulas siguen como TeX sin componer"

    imagenes = pagina.locator("article img")
    assert imagenes.count() > 0, "El cuaderno no muestra ninguna figura"
    anchos = imagenes.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(ancho > 0 for ancho in anchos), f"Figuras sin cargar: {anchos}"

    pagina.wait_for_selector(".widget-slider", timeout=20_000)
    assert pagina.locator(".widget-slider").first.is_visible(), "El widget no se dibujó"

    assert _externas(pagina.peticiones) == []


def test_boton_de_lanzamiento(pagina, servidor) -> None:
    pagina.goto(f"{servidor}/notebooks/01_1_maxima_verosimilitud.html", wait_until="networkidle")
    enlaces = pagina.locator("a[href*='mybinder.org'], a[href*='colab.research.google.com']")
    assert enlaces.count() >= 2
    hrefs = enlaces.evaluate_all("as => as.map(a => a.href)")
    assert any("notebooks/01_1_maxima_verosimilitud.ipynb" in h for h in hrefs), hrefs
    assert _externas(pagina.peticiones) == []


@pytest.mark.parametrize("palabra", ["dígitos", "máxima"])
def test_busqueda_con_tildes(pagina, servidor, palabra: str) -> None:
    pagina.goto(f"{servidor}/search.html?q={palabra}", wait_until="networkidle")
    pagina.wait_for_selector("#search-results ul.search li", timeout=20_000)
    assert pagina.locator("#search-results ul.search li").count() > 0
    assert _externas(pagina.peticiones) == []
