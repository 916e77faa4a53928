// "Copy" buttons: data-copy names the element whose text the button copies. Shown only where
// the page may write the clipboard (a secure context); elsewhere one tap on the text selects
// all of it (user-select: all) for the system's own copy.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy).textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copying was refused: select the token and copy it";
    }
  });
});
