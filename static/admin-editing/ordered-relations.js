// Ordered relations (consultancy/admin_relations.py): the chosen items of a
// relation's autocomplete can be put in order by dragging one onto another,
// or with the keyboard: Tab to an item, then Alt with an arrow key moves it
// earlier or later. The form sends the options in their order in the
// <select>, so moving an item moves its <option>; select2 then redraws.
(function () {
  "use strict";

  const CHOICE = ".select2-selection__choice";

  function chips(container) {
    return Array.from(container.querySelectorAll(CHOICE));
  }

  function announce(select, text) {
    let status = select.parentElement.querySelector(".ordered-relation-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "ordered-relation-status visually-hidden";
      status.setAttribute("role", "status");
      select.parentElement.appendChild(status);
    }
    status.textContent = text;
  }

  function move(select, container, from, to) {
    const chosen = Array.from(select.selectedOptions);
    if (to < 0 || to >= chosen.length || from === to) {
      return;
    }
    const [moved] = chosen.splice(from, 1);
    chosen.splice(to, 0, moved);
    chosen.forEach((option) => select.appendChild(option));
    django.jQuery(select).trigger("change");
    const label = moved.textContent.trim();
    announce(select, label + ": position " + (to + 1) + " of " + chosen.length);
    // select2 redraws the items, then moves the focus itself: the moved item
    // takes it back once that is done.
    window.setTimeout(() => {
      prepare(container);
      const target = chips(container)[to];
      if (target) {
        target.focus();
      }
    }, 0);
  }

  function prepare(container) {
    chips(container).forEach((chip, index) => {
      chip.draggable = true;
      chip.tabIndex = 0;
      chip.dataset.position = String(index);
      chip.setAttribute("aria-roledescription", "reorderable item");
    });
  }

  function enhance(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) {
      return false;
    }
    let dragged = null;
    prepare(container);
    new MutationObserver(() => prepare(container)).observe(container, {
      childList: true,
      subtree: true,
    });
    container.addEventListener("dragstart", (event) => {
      const chip = event.target.closest(CHOICE);
      if (!chip) {
        return;
      }
      dragged = Number(chip.dataset.position);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", chip.title || "");
    });
    container.addEventListener("dragover", (event) => {
      if (dragged !== null && event.target.closest(CHOICE)) {
        event.preventDefault();
      }
    });
    container.addEventListener("drop", (event) => {
      const chip = event.target.closest(CHOICE);
      if (dragged === null || !chip) {
        return;
      }
      event.preventDefault();
      move(select, container, dragged, Number(chip.dataset.position));
      dragged = null;
    });
    container.addEventListener("dragend", () => {
      dragged = null;
    });
    container.addEventListener("keydown", (event) => {
      const chip = event.target.closest(CHOICE);
      if (!chip || !event.altKey) {
        return;
      }
      const from = Number(chip.dataset.position);
      const step = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
      if (step) {
        event.preventDefault();
        event.stopPropagation();
        move(select, container, from, from + step);
      }
    });
    return true;
  }

  function start() {
    document.querySelectorAll("select[data-ordered]").forEach((select) => {
      // The admin's autocomplete.js sets select2 up when the page is ready too.
      if (!enhance(select)) {
        window.setTimeout(() => enhance(select), 0);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
