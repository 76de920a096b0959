/*
 * Utilidades comunes de las demos vivas del libro.
 *
 * Todo corre en el navegador del lector: los modelos se descargan del propio sitio
 * (carpeta _static/demos/modelos/, generada por scripts/exportar_demos.py al construir el libro)
 * y ninguna petición sale del sitio. Las redes se ejecutan con onnxruntime-web (WebAssembly),
 * que se instala desde el registro de npm al construir y se sirve desde _static/onnxruntime-web/.
 *
 * Cada demo registra en window.demosVivas[nombre] cuándo produjo su primera salida
 * (milisegundos desde que empezó a cargarse la página): las pruebas del navegador lo leen.
 */
(function () {
  "use strict";

  // Carpeta de este archivo (…/_static/demos/): de ella cuelgan los modelos y el motor ONNX.
  const BASE = new URL(".", document.currentScript.src);

  /** URL absoluta de un archivo de modelo de la demo `demo`. */
  function modelUrl(demo, file) {
    return new URL(`modelos/${demo}/${file}`, BASE).href;
  }

  /** Descarga un JSON del sitio; si falla, lanza un error en español. */
  async function fetchJson(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`No se pudo descargar ${url} (${response.status}).`);
    return response.json();
  }

  /** Generador pseudoaleatorio reproducible (mulberry32): devuelve una función () → [0, 1). */
  function rng(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Normal estándar por Box–Muller a partir de un generador uniforme. */
  function normal(random) {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Probabilidades del símbolo siguiente, como genai_utils.sampling.next_token_probs:
   * logits / temperatura, después top-k (0 = sin filtro) y top-p (1 = sin filtro), y softmax.
   */
  function nextTokenProbs(logits, temperature, topK = 0, topP = 1) {
    const n = logits.length;
    const scaled = Float64Array.from(logits, (v) => v / temperature);
    if (topK > 0 && topK < n) {
      const threshold = Array.from(scaled).sort((a, b) => b - a)[topK - 1];
      for (let i = 0; i < n; i++) if (scaled[i] < threshold) scaled[i] = -Infinity;
    }
    let probs = softmax(scaled);
    if (topP < 1) {
      // Se conservan los símbolos mientras la masa acumulada *antes* de cada uno sea menor que p.
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
      let before = 0;
      for (const i of order) {
        if (before >= topP) scaled[i] = -Infinity;
        before += probs[i];
      }
      probs = softmax(scaled);
    }
    return probs;
  }

  /** softmax numéricamente estable (los -Infinity quedan con probabilidad 0). */
  function softmax(values) {
    let max = -Infinity;
    for (const v of values) if (v > max) max = v;
    const out = new Float64Array(values.length);
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      out[i] = Math.exp(values[i] - max);
      sum += out[i];
    }
    for (let i = 0; i < out.length; i++) out[i] /= sum;
    return out;
  }

  /** Sortea un índice según `probs` con el generador uniforme `random`. */
  function sampleIndex(probs, random) {
    let u = random();
    for (let i = 0; i < probs.length; i++) {
      u -= probs[i];
      if (u < 0) return i;
    }
    // Redondeo: el último símbolo con probabilidad positiva.
    for (let i = probs.length - 1; i >= 0; i--) if (probs[i] > 0) return i;
    return 0;
  }

  /** Índice del valor máximo (decodificación voraz). */
  function argmax(values) {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    return best;
  }

  /** Dibuja una imagen de `size`×`size` píxeles en [0, 1] (blanco sobre negro) en un lienzo. */
  function drawDigit(canvas, pixels, size = 8) {
    const ctx = canvas.getContext("2d");
    const cell = canvas.width / size;
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, pixels[r * size + c])));
        ctx.fillStyle = `rgb(${v},${v},${v})`;
        ctx.fillRect(c * cell, r * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
  }

  // ---------------------------------------------------------------- onnxruntime-web
  let ortPromise = null;

  /** Carga un script clásico del sitio y espera a que termine. */
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`No se pudo cargar ${url}.`));
      document.head.appendChild(script);
    });
  }

  /**
   * Binario WebAssembly de onnxruntime-web. Se descarga la copia comprimida con gzip (unos 4 MB
   * en vez de 15) y se descomprime aquí con DecompressionStream; si el navegador no sabe, la
   * copia sin comprimir.
   */
  async function wasmBinary(folder) {
    if (typeof DecompressionStream === "function") {
      const response = await fetch(new URL("ort-wasm-simd-threaded.wasm.gz", folder));
      if (response.ok) {
        const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer();
      }
    }
    const response = await fetch(new URL("ort-wasm-simd-threaded.wasm", folder));
    return response.arrayBuffer();
  }

  /** El motor onnxruntime-web listo para usar (se carga una sola vez por página). */
  function loadOrt() {
    if (!ortPromise) {
      ortPromise = (async () => {
        const folder = new URL("../onnxruntime-web/", BASE);
        const [binary] = await Promise.all([
          wasmBinary(folder),
          window.ort ? null : loadScript(new URL("ort.wasm.min.js", folder).href),
        ]);
        performance.mark("demos:ort-binario");
        const ort = window.ort;
        ort.env.wasm.wasmPaths = folder.href; // el cargador .mjs, también del sitio
        ort.env.wasm.wasmBinary = binary;
        ort.env.wasm.numThreads = 1; // sin aislamiento entre orígenes no hay hilos
        ort.env.wasm.proxy = false;
        return ort;
      })();
    }
    return ortPromise;
  }

  /**
   * Abre una red ONNX de la demo `demo` (archivo `file`) en onnxruntime-web. El archivo se
   * descarga a la vez que el motor, para no esperar dos veces.
   */
  async function loadSession(demo, file) {
    const bytes = fetch(modelUrl(demo, file)).then((r) => {
      if (!r.ok) throw new Error(`No se pudo descargar ${file} (${r.status}).`);
      return r.arrayBuffer();
    });
    const [ort, model] = await Promise.all([loadOrt(), bytes]);
    const session = await ort.InferenceSession.create(new Uint8Array(model), {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "basic",
    });
    performance.mark(`demos:sesion-${demo}`);
    return { ort, session };
  }

  // ---------------------------------------------------------------- registro para las pruebas
  window.demosVivas = window.demosVivas || {};

  /** Anota (una sola vez) cuándo apareció algo de la primera salida de la demo `name`. */
  function markFirstOutput(name) {
    const state = (window.demosVivas[name] = window.demosVivas[name] || { salidas: 0 });
    if (state.primeraSalidaMs === undefined) state.primeraSalidaMs = performance.now();
  }

  /** Anota una salida completa de la demo `name`; la primera marca la demo como lista. */
  function markOutput(name, root) {
    markFirstOutput(name);
    window.demosVivas[name].salidas += 1;
    root.dataset.listo = "si";
  }

  /** Muestra un error legible dentro de la demo (nunca la deja en blanco sin explicación). */
  function showError(root, error) {
    const box = root.querySelector(".demo-estado") || root;
    box.textContent = `La demo no pudo arrancar: ${error.message}`;
    box.classList.add("demo-error");
    window.demosVivas.errores = (window.demosVivas.errores || []).concat(String(error.message));
  }

  /** Ejecuta `start(root)` para cada elemento `.demo-viva[data-demo=name]` de la página. */
  function register(name, start) {
    const run = () => {
      for (const root of document.querySelectorAll(`.demo-viva[data-demo="${name}"]`)) {
        Promise.resolve()
          .then(() => start(root))
          .catch((error) => showError(root, error));
      }
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  window.DemoViva = {
    argmax, drawDigit, fetchJson, loadOrt, loadSession, markFirstOutput, markOutput, modelUrl, nextTokenProbs,
    normal, register, rng, sampleIndex, softmax,
  };
})();
