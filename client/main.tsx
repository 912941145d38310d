import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { mark } from './lib/mark.ts';
import { createUpdatePrompt } from './pwa/createUpdatePrompt.ts';
import { listenForServiceWorker } from './pwa/listenForServiceWorker.ts';
import { createSession } from './stores/createSession.ts';
import { installFastUtf8Strings } from './sync/fastUtf8Strings.ts';
import './styles/base.css';
import './styles/inbox.css';
import './styles/thread.css';
import './styles/signin.css';
import './styles/settings.css';
import './styles/notifications.css';

mark('boot');
installFastUtf8Strings();
const root = document.getElementById('app');
if (!root) throw new Error('missing #app');
root.textContent = '';
render(() => {
  const session = createSession();
  const updates = import.meta.env.PROD ? createUpdatePrompt() : null;
  listenForServiceWorker();
  return <App session={session} updates={updates} />;
}, root);
