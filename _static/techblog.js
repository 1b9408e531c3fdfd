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
