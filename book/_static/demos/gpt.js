/*
 * Demo viva del capítulo 5: el GPT pequeño del libro genera texto con temperatura, top-k y top-p.
 *
 * La red (gpt.onnx, exportada con torch.onnx del GPT que entrena la receta gpt_libro) corre en
 * onnxruntime-web. El tokenizador BPE se reproduce aquí en JavaScript a partir de sus fusiones
 * (bpe.json), con la misma regla que genai_utils.bpe.BPETokenizer.
 */
(function () {
  "use strict";
  const D = window.DemoViva;

  // Los mismos fragmentos que genai_utils.bpe.split_chunks: una palabra con su espacio delante,
  // una cifra, guiones bajos, signos, espacios… (\p{…} imita las clases Unicode de Python).
  const CHUNK = / ?[\p{L}\p{Nl}\p{No}]+| ?\p{Nd}+| ?_+| ?[^\s\p{L}\p{N}_]+|\s+(?!\S)|\s+|./gsu;

  /** Tokenizador BPE de bytes a partir de la lista ordenada de fusiones. */
  class BPETokenizer {
    constructor(merges) {
      this.merges = merges;
      this.rank = new Map(merges.map(([a, b], i) => [`${a},${b}`, i]));
      this.vocab = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
      for (const [a, b] of merges) {
        const bytes = new Uint8Array(this.vocab[a].length + this.vocab[b].length);
        bytes.set(this.vocab[a]);
        bytes.set(this.vocab[b], this.vocab[a].length);
        this.vocab.push(bytes);
      }
      this.cache = new Map();
      this.encoder = new TextEncoder();
      this.decoder = new TextDecoder("utf-8");
    }

    /** Aplica a un fragmento la fusión más antigua posible, una y otra vez. */
    encodeChunk(chunk) {
      let ids = Array.from(this.encoder.encode(chunk));
      while (ids.length > 1) {
        let best = null;
        for (let i = 0; i + 1 < ids.length; i++) {
          const r = this.rank.get(`${ids[i]},${ids[i + 1]}`);
          if (r !== undefined && (best === null || r < best)) best = r;
        }
        if (best === null) break;
        const [a, b] = this.merges[best];
        const merged = [];
        for (let i = 0; i < ids.length; i++) {
          if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
            merged.push(256 + best);
            i++;
          } else merged.push(ids[i]);
        }
        ids = merged;
      }
      return ids;
    }

    /** Texto → identificadores de token. */
    encode(text) {
      const ids = [];
      for (const chunk of text.match(CHUNK) || []) {
        if (!this.cache.has(chunk)) this.cache.set(chunk, this.encodeChunk(chunk));
        ids.push(...this.cache.get(chunk));
      }
      return ids;
    }

    /** Identificadores → texto (los bytes UTF-8 incompletos se muestran como �). */
    decode(ids) {
      const parts = ids.map((i) => this.vocab[i]);
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        bytes.set(p, offset);
        offset += p.length;
      }
      return this.decoder.decode(bytes);
    }
  }

  /** El GPT exportado: una ventana fija de `context` tokens rellena con ceros por la derecha. */
  class GPT {
    constructor(ort, session, context) {
      Object.assign(this, { ort, session, context });
    }

    /** Logits (Float32Array de V) del token siguiente a `ids`. */
    async logits(ids) {
      const window_ = ids.slice(-this.context);
      const idx = new BigInt64Array(this.context);
      window_.forEach((t, i) => (idx[i] = BigInt(t)));
      const feeds = {
        idx: new this.ort.Tensor("int64", idx, [1, this.context]),
        last: new this.ort.Tensor("int64", BigInt64Array.of(BigInt(window_.length - 1)), [1]),
      };
      const out = await this.session.run(feeds);
      return out.logits.data;
    }

    /**
     * Añade `n` tokens; `pick(logits)` elige cada uno (voraz o sorteado). Tras cada token se
     * llama a `onToken(ids)`; si devuelve false, la generación se abandona.
     */
    async generate(ids, n, pick, onToken = () => true) {
      const out = ids.slice();
      for (let t = 0; t < n; t++) {
        out.push(pick(await this.logits(out)));
        if (onToken(out) === false) break;
      }
      return out;
    }
  }

  D.register("gpt", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const [bpe, { ort, session }] = await Promise.all([
      D.fetchJson(D.modelUrl("gpt", "bpe.json")),
      D.loadSession("gpt", "gpt.onnx"),
    ]);
    const tokenizer = new BPETokenizer(bpe.merges);
    const model = new GPT(ort, session, bpe.context);
    let turn = 0; // solo se muestra la generación más reciente

    const render = async () => {
      const mine = ++turn;
      const temperature = Number($("[name=temperatura]").value);
      const topK = Number($("[name=topk]").value);
      const topP = Number($("[name=topp]").value);
      const seed = Number($("[name=semilla]").value);
      $(".valor-temperatura").textContent = temperature.toFixed(1).replace(".", ",");
      $(".valor-topk").textContent = topK === 0 ? "sin filtro" : String(topK);
      $(".valor-topp").textContent = topP.toFixed(2).replace(".", ",");
      const prompt = tokenizer.encode($("[name=comienzo]").value || "La");
      const random = D.rng(seed);
      const pick = (logits) => D.sampleIndex(D.nextTokenProbs(logits, temperature, topK, topP), random);
      // El texto aparece token a token; la primera salida cuenta desde el primer token nuevo.
      const show = (ids) => {
        if (mine !== turn) return false; // el lector ya movió otro control
        $(".demo-salida").textContent = tokenizer.decode(ids);
        D.markFirstOutput("gpt");
        return true;
      };
      const ids = await model.generate(prompt, 60, pick, show);
      if (mine !== turn) return;
      $(".demo-estado").textContent =
        `${prompt.length} tokens de comienzo + 60 generados; vocabulario de ` +
        `${tokenizer.vocab.length} tokens; ventana de ${model.context}.`;
      D.markOutput("gpt", root);
    };
    root.addEventListener("input", render);
    $("[name=otra]").addEventListener("click", () => {
      const seedInput = $("[name=semilla]");
      seedInput.value = String(Number(seedInput.value) + 1);
      render();
    });
    window.demosVivas.gpt = Object.assign(window.demosVivas.gpt || { salidas: 0 }, {
      api: {
        encode: (text) => tokenizer.encode(text),
        decode: (ids) => tokenizer.decode(ids),
        logits: async (ids) => Array.from(await model.logits(ids)),
        greedy: (ids, n) => model.generate(ids, n, D.argmax),
      },
    });
    await render();
  });
})();
