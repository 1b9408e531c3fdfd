// sphinx-copybutton's messages in Japanese, and a Japanese label on each button
// (techblog/compat/copybutton_ja.py says why and when this file can go).
messages["ja"] = {
  copy: "コピー",
  copy_to_clipboard: "クリップボードにコピー",
  copy_success: "コピーしました",
  copy_failure: "コピーできませんでした",
};
if (document.documentElement.lang === "ja") locale = "ja";
// After copybutton.js has added its buttons (its DOMContentLoaded listener was added first).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copybtn")) {
    button.setAttribute("aria-label", "コードをコピー");
    const title = button.querySelector("svg title");
    if (title) title.textContent = messages.ja.copy_to_clipboard;
  }
});
