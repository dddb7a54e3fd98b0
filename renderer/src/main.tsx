import { createRoot } from 'react-dom/client';
import { App } from './App';
import './i18n';
import { createSessionStore } from './session';
import { bannerMessage } from './errors';
import { createClient, defaultCarrier } from './transport';
import './styles.css';

const session = createSessionStore();
const { carrier } = defaultCarrier();
const client = createClient({
  carrier,
  token: () => session.get().token,
  onSessionLost: (error) => session.signOut(bannerMessage(error) ?? error.message),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App client={client} session={session} />);
