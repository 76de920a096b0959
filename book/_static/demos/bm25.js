/*
 * Demo viva del capítulo 6: búsqueda BM25 sobre los fragmentos del libro, la «R» de RAG.
 *
 * El índice (indice.json) lo exporta genai_utils.export.bm25_index a partir de
 * genai_utils.agents.retrieval.chunk_pages(load_pages()): los recuentos de términos de cada
 * fragmento y su IDF. Aquí se parte la pregunta con las mismas reglas que tokenize (minúsculas,
 * sin tildes, sin palabras vacías, seis letras) y se suma la fórmula de Okapi BM25.
 */
(function () {
  "use strict";
  const D = window.DemoViva;

  /** Minúsculas y sin tildes, como retrieval.normalize. */
  function normalize(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "");
  }

  /** Términos de BM25, como retrieval.tokenize. */
  function tokenize(text, stopwords, prefix) {
    const words = normalize(text).match(/[\p{L}\p{N}_]+/gu) || [];
    return words.filter((w) => !stopwords.has(w)).map((w) => Array.from(w).slice(0, prefix).join(""));
  }

  /** Puntuación BM25 de la pregunta frente a cada fragmento. */
  function scores(index, query) {
    const out = new Float64Array(index.chunks.length);
    const terms = [...new Set(tokenize(query, index.stopwordSet, index.prefix))];
    for (const term of terms) {
      const idf = index.idf[term];
      if (idf === undefined) continue;
      index.chunks.forEach((c, i) => {
        const f = c.terms[term] || 0;
        out[i] += (idf * f * (index.k1 + 1)) / (f + index.norms[i]);
      });
    }
    return { out, terms };
  }

  /** Los `k` fragmentos con más puntuación (empates: el primero en el libro). */
  function search(index, query, k) {
    const { out, terms } = scores(index, query);
    const order = Array.from(out.keys()).sort((a, b) => out[b] - out[a] || a - b).slice(0, k);
    return { terms, top: order.map((i) => [index.chunks[i], out[i]]) };
  }

  D.register("bm25", async (root) => {
    const $ = (sel) => root.querySelector(sel);
    const index = await D.fetchJson(D.modelUrl("bm25", "indice.json"));
    index.stopwordSet = new Set(index.stopwords);
    index.norms = index.chunks.map((c) => {
      const length = Object.values(c.terms).reduce((n, v) => n + v, 0);
      return index.k1 * (1 - index.b + (index.b * length) / index.avgdl);
    });

    const render = () => {
      const k = Number($("[name=k]").value);
      $(".valor-k").textContent = String(k);
      const { terms, top } = search(index, $("[name=pregunta]").value, k);
      const list = $(".demo-resultados");
      list.replaceChildren();
      for (const [chunk, score] of top) {
        if (score <= 0) continue;
        const item = document.createElement("li");
        const head = document.createElement("strong");
        head.textContent = `${chunk.id} · ${chunk.title} · ${score.toFixed(2).replace(".", ",")}`;
        const body = document.createElement("div");
        body.textContent = chunk.text.length > 300 ? chunk.text.slice(0, 300) + "…" : chunk.text;
        item.append(head, body);
        list.appendChild(item);
      }
      $(".demo-salida").textContent = terms.length
        ? `Términos buscados: ${terms.join(", ")}. ${list.children.length} fragmentos con puntuación.`
        : "La pregunta no tiene términos que buscar (solo palabras vacías).";
      D.markOutput("bm25", root);
    };
    root.addEventListener("input", render);
    window.demosVivas.bm25 = Object.assign(window.demosVivas.bm25 || { salidas: 0 }, {
      api: { search: (q, k) => search(index, q, k).top.map(([c, s]) => [c.id, s]) },
    });
    render();
  });
})();
