// Loads the theme's bootstrap.js (80 KB) when a reader first reaches for what it drives:
// the header's dropdowns (download, display mode), the tooltips and the back-to-top button.
// Run at page load, it creates eleven tooltips and measures the header, a long task that
// cost a phone 250-370 ms of blocked main thread (Lighthouse, mobile) and nothing a reader
// sees until they point at a button, focus one, or scroll.
(() => {
  const script = document.currentScript;
  const TRIGGERS = "[data-bs-toggle], #pst-back-to-top";
  let loaded;

  function load() {
    if (!loaded) {
      loaded = new Promise((resolve, reject) => {
        const bootstrap = document.createElement("script");
        bootstrap.src = script.dataset.src;
        bootstrap.onload = () => {
          // The back-to-top button shows when a scroll goes up; let the theme's scroll
          // handler, added just now, see where the page already is.
          window.dispatchEvent(new Event("scroll"));
          resolve();
        };
        bootstrap.onerror = () => {
          loaded = undefined;  // offline for a moment: the next touch tries again
          bootstrap.remove();
          reject(new Error(`could not load ${bootstrap.src}`));
        };
        document.head.append(bootstrap);
      });
    }
    return loaded;
  }

  function prefetch() {
    load().catch(() => {});
  }

  function loadFor(event) {
    if (event.target instanceof Element && event.target.closest(TRIGGERS)) prefetch();
  }

  for (const type of ["pointerover", "focusin", "touchstart"]) {
    document.addEventListener(type, loadFor, { capture: true, passive: true });
  }
  window.addEventListener("scroll", prefetch, { once: true, passive: true });

  // A tap or a key can reach a dropdown before the script has arrived: hold the click,
  // then open the menu the reader asked for.
  document.addEventListener("click", (event) => {
    const toggle = event.target instanceof Element && event.target.closest('[data-bs-toggle="dropdown"]');
    if (!toggle || window.bootstrap) return;
    event.preventDefault();
    event.stopPropagation();
    load().then(() => window.bootstrap.Dropdown.getOrCreateInstance(toggle).toggle(), () => {});
  }, true);
})();
