"""Pruebas del formato español de las cifras y de su pegado con glue."""

from __future__ import annotations

import json

import pytest

from genai_utils.report import (
    THIN_SPACE,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_sci,
    fmt_seconds,
    fmt_seq,
    fmt_sig,
    glue_num,
    glue_seconds,
    glue_text,
)


def test_coma_decimal_y_millares_desde_cinco_cifras() -> None:
    assert fmt_num(1.7409, 2) == "1,74"
    assert fmt_num(1800, 0) == "1800"
    assert fmt_num(12345.678, 1) == f"12{THIN_SPACE}345,7"
    assert fmt_int(1234567) == f"1{THIN_SPACE}234{THIN_SPACE}567"
    assert fmt_num(-0.5, 1) == "−0,5"
    assert fmt_num(-0.0004, 2) == "0,00"  # sin «−0,00»


def test_porcentajes_segundos_y_notacion_cientifica() -> None:
    assert fmt_pct(0.098, 1) == "9,8\u00a0%"
    assert fmt_pct(1, 0) == "100\u00a0%"
    assert fmt_seconds(95.4) == "95\u00a0s"
    assert fmt_sci(0.02) == "2·10⁻²"
    assert fmt_sci(1.5e9, 1) == "1,5·10⁹"


@pytest.mark.parametrize("malo", [float("nan"), float("inf"), "3", True, None])
def test_errores_claros(malo: object) -> None:
    with pytest.raises((TypeError, ValueError), match="value"):
        fmt_num(malo)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="decimals"):
        fmt_num(1.0, -1)
    with pytest.raises(ValueError, match="seconds"):
        fmt_seconds(-1)


def test_glue_guarda_el_texto_formateado(capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    publicados = []
    shell = InteractiveShell.instance()
    original = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **_: publicados.append(
        (data, metadata)
    )
    try:
        assert glue_num("bits", 1.7409) == "1,74"
        assert glue_seconds("tiempo", 95.2) == "95\u00a0s"
    finally:
        shell.display_pub.publish = original
    (datos, meta), _ = publicados
    assert meta["scrapbook"]["name"] == "bits"
    valor = next(v for k, v in datos.items() if k.endswith("text/plain"))
    assert valor == repr("1,74")  # myst-nb lo lee con literal_eval: queda «1,74» sin comillas
    json.dumps(datos)  # se puede guardar en el cuaderno
    with pytest.raises(ValueError, match="key"):
        glue_text("con espacios", "x")


def test_tensores_y_arrays_de_un_elemento() -> None:
    import numpy as np
    import torch

    assert fmt_num(torch.tensor(1.7409), 2) == "1,74"
    assert fmt_num(torch.tensor([[0.5]]), 1) == "0,5"
    assert fmt_num(np.float32(0.25), 2) == "0,25"
    assert fmt_num(np.array([2.5]), 1) == "2,5"
    assert fmt_pct(torch.tensor(0.098), 1) == "9,8\u00a0%"
    assert fmt_int(np.int64(12345)) == f"12{THIN_SPACE}345"
    with pytest.raises(TypeError, match=r"`value`.*forma \(2,\)"):
        fmt_num(torch.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="`value`"):
        fmt_num(torch.tensor(True))  # un booleano no es una cifra
    with pytest.raises(ValueError, match="`value`"):
        fmt_num(torch.tensor(float("nan")))


def test_signo_y_secuencias() -> None:
    import torch

    assert fmt_num(0.5, 1, sign=True) == "+0,5"
    assert fmt_num(-0.5, 1, sign=True) == "−0,5"
    assert fmt_num(0.0001, 2, sign=True) == "0,00"
    assert fmt_seq([0.123, -0.5], 2) == "(0,12; −0,50)"
    assert fmt_seq(torch.tensor([1.0, 2.0]), 1) == "(1,0; 2,0)"
    with pytest.raises(TypeError, match="values"):
        fmt_seq("0.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"values\[1\]"):
        fmt_seq([0.5, None])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sign"):
        fmt_num(1.0, sign=1)  # type: ignore[arg-type]


def test_cifras_significativas() -> None:
    assert fmt_sig(1.5) == "1,5"
    assert fmt_sig(2.0) == "2"
    assert fmt_sig(0.012345) == "0,0123"
    assert fmt_sig(123456) == "1,23·10⁵"
    assert fmt_sig(-0.00001234, 2) == "−1,2·10⁻⁵"
    assert fmt_sig(12345, 6) == f"12{THIN_SPACE}345"
    with pytest.raises(ValueError, match="digits"):
        fmt_sig(1.0, 0)
