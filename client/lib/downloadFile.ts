/** Saves `text` as a file the browser downloads (the export of the settings pages). */
export function downloadFile(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started once click() returns; the URL is no longer needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
