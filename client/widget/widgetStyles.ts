/** Styles of the widget, scoped by its Shadow DOM (the host page's CSS cannot reach in). */
export const widgetStyles = (accent: string) => `
:host { all: initial; }
* { box-sizing: border-box; }
.sb {
  --accent: ${accent};
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
}
.launcher {
  width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--accent); color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25);
  display: grid; place-items: center; position: relative; margin-left: auto;
}
.launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.launcher svg { width: 26px; height: 26px; }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: #c62828; color: #fff; font-size: 12px; font-weight: 700;
  display: grid; place-items: center;
}
.badge[hidden] { display: none; }
.panel {
  position: absolute; right: 0; bottom: 72px; width: min(370px, calc(100vw - 40px));
  height: min(540px, calc(100vh - 120px)); background: #fff; border-radius: 14px;
  box-shadow: 0 10px 40px rgba(0,0,0,.25); display: flex; flex-direction: column; overflow: hidden;
}
.panel[hidden] { display: none; }
header { background: var(--accent); color: #fff; padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
header h2 { font-size: 16px; margin: 0; flex: 1; font-weight: 600; }
header button { background: transparent; border: none; color: #fff; font-size: 22px; line-height: 1; cursor: pointer; padding: 4px 8px; border-radius: 6px; }
.status { margin: 0; padding: 4px 14px; font-size: 12px; color: #5b6470; background: #f4f6f8; }
.status:empty { display: none; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; }
.log:focus-visible { outline: 3px solid #ffbf47; outline-offset: -3px; }
ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
li { max-width: 82%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
li.agent { background: #eef1f5; align-self: flex-start; border-bottom-left-radius: 4px; }
li.visitor { background: var(--accent); color: #fff; align-self: flex-end; border-bottom-right-radius: 4px; }
/* Name and time in full colour, not faded: small text needs its 4.5:1 contrast (on the accent, too). */
li .who { display: block; font-size: 12px; font-weight: 600; }
li .meta { display: block; font-size: 11px; margin-top: 2px; text-align: right; }
li.agent .who, li.agent .meta { color: #454d58; }
/* Not yet on the server: outlined instead of faded, so the text keeps its contrast. */
li.visitor.pending { background: #fff; color: #1b1f24; border: 1.5px dashed var(--accent); }
.empty { color: #5b6470; align-self: center; text-align: center; font-size: 14px; margin: 8px 0; }
.empty[hidden] { display: none; }
.typing { margin: 0 14px 6px; font-size: 12px; color: #5b6470; min-height: 1.2em; display: flex; align-items: center; gap: 6px; }
.dots { display: inline-flex; gap: 3px; padding: 6px 9px; border-radius: 10px; background: #eef1f5; }
.dots[hidden] { display: none; }
.dots span { width: 6px; height: 6px; border-radius: 50%; background: #5b6470; opacity: .4; animation: sb-dot 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: .15s; }
.dots span:nth-child(3) { animation-delay: .3s; }
@keyframes sb-dot { 0%, 60%, 100% { opacity: .4; transform: translateY(0); } 30% { opacity: .9; transform: translateY(-3px); } }
@media (prefers-reduced-motion: reduce) { .dots span { animation: none; opacity: .7; } }
form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e3e7ec; }
textarea {
  flex: 1; resize: none; font: inherit; padding: 8px 10px; border: 1px solid #c4ccd6; border-radius: 8px;
  max-height: 120px; min-height: 40px; color: inherit; background: #fff;
}
form button { background: var(--accent); color: #fff; border: none; border-radius: 8px; padding: 0 14px; font: inherit; font-weight: 600; cursor: pointer; }
form button:disabled { opacity: .5; cursor: default; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { .panel { transition: opacity .15s; } }
`;
