import { type MountedWidget, mountWidget } from './mountWidget.ts';

/**
 * Entry of `/webchat/widget.js` (built by vite.widget.config.ts as one IIFE file):
 *
 *   <script src="https://support.example.com/webchat/widget.js" data-workspace="demo" async></script>
 *
 * Optional attributes: data-title (panel heading), data-color (accent colour). The server is the
 * origin the script was loaded from.
 */
declare global {
  interface Window {
    SwitchboardWebchat?: MountedWidget;
  }
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.workspace) return current;
  return document.querySelector<HTMLScriptElement>('script[data-workspace][src*="/webchat/widget.js"]');
}

function boot(script: HTMLScriptElement): void {
  if (window.SwitchboardWebchat) return; // included twice: one widget
  const workspaceId = script.dataset.workspace;
  if (!workspaceId) {
    console.warn('Switchboard webchat: add data-workspace="<workspace id>" to the script tag');
    return;
  }
  window.SwitchboardWebchat = mountWidget({
    baseUrl: new URL(script.src, location.href).origin,
    workspaceId,
    title: script.dataset.title,
    accent: script.dataset.color,
  });
}

const script = findScript();
if (script) {
  if (document.body) boot(script);
  else document.addEventListener('DOMContentLoaded', () => boot(script), { once: true });
}
