// Editing aids for the content forms (consultancy/editing.py): live character
// counts, a preview of the Markdown body, a preview of the search result.
// Progressive: without this script the form works, and limits are still
// explained by the server when the form is sent.
(function () {
  "use strict";

  function after(element, node) {
    element.insertAdjacentElement("afterend", node);
    return node;
  }

  function counter(field) {
    const limit = Number(field.dataset.limit);
    const note = after(field, document.createElement("p"));
    note.className = "editing-count";
    note.setAttribute("aria-live", "polite");
    function update() {
      const length = field.value.length;
      note.textContent = length + " / " + limit + " characters";
      note.classList.toggle("editing-count--over", length > limit);
      if (length > limit) {
        note.textContent += ": " + (length - limit) + " too many";
      }
    }
    field.addEventListener("input", update);
    update();
  }

  function markdownPreview(field) {
    const url = field.dataset.previewUrl;
    if (!url) {
      return;
    }
    const box = after(field, document.createElement("div"));
    box.className = "editing-preview";
    const heading = document.createElement("p");
    heading.className = "editing-preview__label";
    heading.textContent = "Preview, as the page will show it:";
    const body = document.createElement("div");
    body.className = "editing-preview__body";
    box.append(heading, body);
    const token = document.querySelector("[name=csrfmiddlewaretoken]");
    let timer = null;
    function render() {
      const data = new FormData();
      data.append("text", field.value);
      fetch(url, {
        method: "POST",
        body: data,
        headers: {"X-CSRFToken": token ? token.value : ""},
        credentials: "same-origin",
      })
        .then((response) => (response.ok ? response.json() : Promise.reject(response)))
        .then((result) => {
          // Sanitised by the server (nh3), as the page's own body is.
          body.innerHTML = result.html;
        })
        .catch(() => {
          body.textContent = "The preview is not available just now.";
        });
    }
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    render();
  }

  function searchResultPreview(title, description) {
    const box = after(description, document.createElement("div"));
    box.className = "editing-serp";
    box.setAttribute("aria-label", "How a search result may look");
    const label = document.createElement("p");
    label.className = "editing-preview__label";
    label.textContent = "In search results:";
    const shownTitle = document.createElement("p");
    shownTitle.className = "editing-serp__title";
    const shownText = document.createElement("p");
    shownText.className = "editing-serp__text";
    box.append(label, shownTitle, shownText);
    function update() {
      shownTitle.textContent = title.value || title.dataset.defaultTitle || "(the name)";
      shownText.textContent =
        description.value || "(blank: the one-line definition or summary is used)";
    }
    title.addEventListener("input", update);
    description.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-limit]").forEach(counter);
    document.querySelectorAll("[data-preview-url]").forEach(markdownPreview);
    const title = document.querySelector("#id_seo_title");
    const description = document.querySelector("#id_meta_description");
    if (title && description) {
      searchResultPreview(title, description);
    }
  });
})();
