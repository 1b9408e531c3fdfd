// The reader's light/dark choice, applied before the first paint (pydata-sphinx-theme's inline
// script, moved to a file for the Content Security Policy). Loaded without defer in <head>.
(() => {
  const fallback = document.currentScript.dataset.defaultMode || "auto";
  document.documentElement.dataset.mode = localStorage.getItem("mode") || fallback;
  document.documentElement.dataset.theme = localStorage.getItem("theme") || fallback;
})();
