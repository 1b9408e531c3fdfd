// A page that moved (redirect_from): go to its new address, keeping the #section the reader asked for.
// A file, not an inline script: every page is under the site's Content Security Policy.
location.replace(document.currentScript.dataset.to + location.hash);
