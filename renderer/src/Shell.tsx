// The signed-in app: the screens of the person's role down the side (each with its Alt+key),
// the sync indicator always in view, and the screen itself.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { NavContext, useClient, useQuery, useUser, type Nav, type Route } from './app-context';
import { Notice } from './components/Banner';
import { DraftsContext, type Drafts } from './components/LinesTable';
import { SyncIndicator } from './components/SyncIndicator';
import { can, roleLabel, screensFor, type ScreenId } from './roles';
import {
  LinkTelegramButton,
  LinkTelegramResult,
  type LinkTelegramOutcome,
} from './components/LinkTelegram';
import { Backups } from './screens/admin/Backups';
import { Branches } from './screens/admin/Branches';
import { Conflicts } from './screens/admin/Conflicts';
import { Products } from './screens/admin/Products';
import { SyncDevices } from './screens/admin/SyncDevices';
import { Telegram } from './screens/admin/Telegram';
import { Users } from './screens/admin/Users';
import { CounterSale } from './screens/CounterSale';
import { NewOrder } from './screens/NewOrder';
import { OrderDetail } from './screens/order/OrderDetail';
import { OrderList } from './screens/OrderList';
import { Payments } from './screens/Payments';
import { Production } from './screens/Production';
import { Stock } from './screens/Stock';

const typing = (el: Element | null) =>
  el instanceof HTMLInputElement ||
  el instanceof HTMLTextAreaElement ||
  el instanceof HTMLSelectElement;

function screen(id: ScreenId, shopSide: boolean): ReactNode {
  switch (id) {
    case 'newOrder':
      return <NewOrder />;
    case 'orders':
      return shopSide ? (
        <OrderList title="My orders" intro="Orders of your shop, newest first." showShop={false} />
      ) : (
        <OrderList title="Orders" intro="Every order you may see, newest first." />
      );
    case 'queue':
      return (
        <OrderList
          title="Order queue"
          intro="Paid orders wait here to be dispatched. Choose another status to see the rest."
          initialStatus="payment_verified"
        />
      );
    case 'payments':
      return <Payments />;
    case 'counterSale':
      return <CounterSale />;
    case 'production':
      return <Production />;
    case 'stock':
      return <Stock />;
    case 'users':
      return <Users />;
    case 'branches':
      return <Branches />;
    case 'products':
      return <Products />;
    case 'sync':
      return <SyncDevices />;
    case 'conflicts':
      return <Conflicts />;
    case 'telegram':
      return <Telegram />;
    case 'backups':
      return <Backups />;
  }
}

export function Shell({ onSignOut }: { onSignOut(): void }) {
  const user = useUser();
  const client = useClient();
  const entries = screensFor[user.role].filter((e) => !e.needs || can(user, e.needs));
  const [route, setRoute] = useState<Route>({ screen: entries[0]?.id ?? 'orders' });
  const [drafts] = useState<Drafts>(() => ({ newOrder: [], counterSale: [] }));
  const [refresh, setRefresh] = useState(0);
  const [mount, setMount] = useState(0);
  const [telegramLink, setTelegramLink] = useState<LinkTelegramOutcome | null>(null);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const branchName = branches.data?.find((b) => b.id === user.branchId)?.name ?? '';
  const listScreen = route.screen === 'order' ? route.back : route.screen;

  const nav: Nav = useMemo(
    () => ({
      route,
      refresh,
      go: (screen) => {
        setRoute({ screen });
        setMount((m) => m + 1);
      },
      openOrder: (orderId) => setRoute({ screen: 'order', orderId, back: listScreen }),
      back: () => {
        setRoute({ screen: listScreen });
        setRefresh((r) => r + 1);
      },
    }),
    [route, refresh, listScreen],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code.startsWith('Key')) {
        const hit = entries.find((s) => `Key${s.key}` === e.code);
        if (hit) {
          e.preventDefault();
          nav.go(hit.id);
        }
        return;
      }
      if (e.key === '/' && !typing(document.activeElement)) {
        const search = [...document.querySelectorAll<HTMLElement>('main [data-search]')].find(
          (el) => el.offsetParent !== null,
        );
        if (search) {
          e.preventDefault();
          search.focus();
        }
        return;
      }
      if (e.key === 'Escape' && !e.defaultPrevented && route.screen === 'order') {
        e.preventDefault();
        nav.back();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [entries, nav, route]);

  return (
    <NavContext.Provider value={nav}>
      <DraftsContext.Provider value={drafts}>
        <div className="shell">
          <aside className="sidebar">
            <div className="brand">Factory-Shop ERP</div>
            <nav aria-label="Screens">
              <ul>
                {entries.map((s) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      className={s.id === listScreen ? 'nav-item active' : 'nav-item'}
                      aria-current={s.id === listScreen ? 'page' : undefined}
                      aria-keyshortcuts={`Alt+${s.key}`}
                      onClick={() => nav.go(s.id)}
                    >
                      <span>{s.label}</span>
                      <kbd>Alt+{s.key}</kbd>
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="keys muted">
              <div>
                <kbd>/</kbd> search
              </div>
              <div>
                <kbd>Enter</kbd> submit
              </div>
              <div>
                <kbd>Esc</kbd> cancel · back
              </div>
            </div>
          </aside>
          <div className="main">
            <header className="topbar">
              <SyncIndicator />
              <span className="grow" />
              <span className="who">
                <strong>{user.displayName}</strong> · {roleLabel(user.role)}
                {branchName && ` · ${branchName}`}
              </span>
              <LinkTelegramButton onResult={setTelegramLink} />
              <button type="button" className="btn small" onClick={onSignOut}>
                Sign out
              </button>
            </header>
            <main className="content">
              {telegramLink && (
                <LinkTelegramResult result={telegramLink} onClose={() => setTelegramLink(null)} />
              )}
              {entries.length === 0 && (
                <Notice kind="info">
                  Your account ({roleLabel(user.role)}) has no screens in this app. Ask an admin.
                </Notice>
              )}
              {route.screen === 'order' && (
                <OrderDetail key={route.orderId} orderId={route.orderId} onBack={nav.back} />
              )}
              {/* The list stays mounted under an open order, so its filter and page survive. */}
              <div hidden={route.screen === 'order'} key={`${listScreen}-${mount}`}>
                {entries.some((s) => s.id === listScreen) &&
                  screen(listScreen, user.role === 'shop_clerk' || user.role === 'sales_rep')}
              </div>
            </main>
          </div>
        </div>
      </DraftsContext.Provider>
    </NavContext.Provider>
  );
}
