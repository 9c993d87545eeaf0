// The pages of this site read in this visit, kept in this browser's
// sessionStorage only (it ends with the tab) and sent with the contact form
// as its hidden "journey" field: nothing reaches the server before the visitor
// sends the form (privacy notice, "What we collect"). Paths only: a query
// string can carry personal data, so it is never kept. Without JavaScript, or
// with storage blocked, the form simply goes without it.
(() => {
  const KEY = "halyard.journey";
  const MAX_PAGES = 10;
  const read = () => {
    try {
      const pages = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(pages) ? pages : [];
    } catch {
      return [];
    }
  };
  const write = (pages) => {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(pages.slice(-MAX_PAGES)));
    } catch {
      // Storage full or blocked: the form is sent without a journey.
    }
  };

  const field = document.querySelector('form.contact-form input[name="journey"]');
  if (field) {
    field.value = JSON.stringify(read().slice(-MAX_PAGES));
    return;
  }
  if (document.querySelector(".contact--thanks")) {
    // Sent: a next enquiry in this visit starts a journey of its own.
    write([]);
    return;
  }
  // Error pages and previews are not pages anyone came to read.
  if (document.querySelector('meta[name="robots"][content*="noindex"]')) return;

  const heading = document.querySelector("main h1");
  const title = (heading ? heading.textContent : document.title).replace(/\s+/g, " ").trim();
  const pages = read();
  const last = pages[pages.length - 1];
  if (!last || last.path !== location.pathname) {
    pages.push({ path: location.pathname, title: title.slice(0, 200) });
  }
  write(pages);
})();
