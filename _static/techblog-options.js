// The page's DOCUMENTATION_OPTIONS (its name, the search settings), which the theme writes as
// inline scripts; the build moves them into data-options (techblog/safety/csp.py).
Object.assign(DOCUMENTATION_OPTIONS, JSON.parse(document.currentScript.dataset.options));
