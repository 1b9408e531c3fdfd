// Sphinx's Documentation.addTranslations without new Function (blocked by the site's Content
// Security Policy): techblog/compat/doctools_csp.py says why and when this file can go.
(() => {
  const PLURAL_RULES = {
    "0": () => 0,
    "(n != 1)": (n) => Number(n !== 1),
    "n != 1": (n) => Number(n !== 1),
    "(n > 1)": (n) => Number(n > 1),
    "n > 1": (n) => Number(n > 1),
  };
  Documentation.addTranslations = (catalog) => {
    Object.assign(Documentation.TRANSLATIONS, catalog.messages);
    Documentation.PLURAL_EXPR = PLURAL_RULES[String(catalog.plural_expr).trim()] || PLURAL_RULES["(n != 1)"];
    Documentation.LOCALE = catalog.locale;
  };
})();
