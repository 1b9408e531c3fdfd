// Copy-link for the share buttons: copies the post's URL without leaving the page.
// The link stays a plain link to the post when scripts or the clipboard are unavailable.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-tb-copy]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const status = link.closest(".tb-share")?.querySelector(".tb-share__status");
  navigator.clipboard.writeText(link.dataset.tbCopy).then(
    () => { if (status) status.textContent = "リンクをコピーしました"; },
    () => { if (status) status.textContent = "コピーできませんでした。リンクを長押し（右クリック）してコピーしてください"; },
  );
});

// pydata-sphinx-theme 0.20 renders the sidebar's expand toggles as <summary> with only
// an icon, which screen readers announce as nothing; name each after its section.
for (const summary of document.querySelectorAll(".bd-sidenav details > summary")) {
  if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
  const link = summary.parentElement.parentElement.querySelector(":scope > a");
  summary.setAttribute("aria-label", `「${link ? link.textContent.trim() : "この項目"}」の下位ページを開閉`);
}

// The theme's header buttons that run a script (full screen), without inline handlers.
const ACTIONS = {
  fullscreen: () => window.toggleFullScreen && window.toggleFullScreen(),
  print: () => window.print(),
};
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tb-action]");
  if (button && ACTIONS[button.dataset.tbAction]) ACTIONS[button.dataset.tbAction]();
});
