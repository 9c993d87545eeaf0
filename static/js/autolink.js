// Escape closes a glossary tooltip without moving the pointer or focus
// (WCAG 1.4.13). Progressive enhancement: the tooltips work without it.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document
    .querySelectorAll(".autolink:hover, .autolink:focus-within")
    .forEach((link) => link.classList.add("is-dismissed"));
});
document.addEventListener(
  "mouseleave",
  (event) => event.target.classList?.contains("autolink") && event.target.classList.remove("is-dismissed"),
  true,
);
document.addEventListener(
  "focusout",
  (event) => event.target.closest?.(".autolink")?.classList.remove("is-dismissed"),
  true,
);
