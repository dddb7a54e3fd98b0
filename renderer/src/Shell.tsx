// The signed-in app: the screens of the person's role down the side (each with its Alt+key),
// the sync indicator always in view, and the screen itself.
import { useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { NavContext, useClient, useQuery, useUser, type Nav, type Route } from './app-context';
import { Notice } from './components/Banner';
import { DraftsContext, type Drafts } from './components/LinesTable';
import { SyncIndicator } from './components/SyncIndicator';
import { LanguageChooser } from './components/LanguageChooser';
import { ChangePassword } from './components/ChangePassword';
import type { Role } from './client';
import { useT, type Translate } from './i18n';
import { can, screensFor, type ScreenEntry, type ScreenId } from './roles';
import { scanListener } from './scan-burst';
import {
  LinkTelegramButton,
  LinkTelegramResult,
  type LinkTelegramOutcome,
} from './components/LinkTelegram';
import { AiSettings } from './screens/admin/AiSettings';
import { Backups } from './screens/admin/Backups';
import { CompanySettings } from './screens/admin/CompanySettings';
import { Branches } from './screens/admin/Branches';
import { Conflicts } from './screens/admin/Conflicts';
import { Products } from './screens/admin/Products';
import { Import } from './screens/admin/Import';
import { SyncDevices } from './screens/admin/SyncDevices';
import { Telegram } from './screens/admin/Telegram';
import { Users } from './screens/admin/Users';
import { CounterSale } from './screens/CounterSale';
import { SalesList } from './screens/SalesList';
import { Returns } from './screens/Returns';
import { DayClose } from './screens/DayClose';
import { Customers } from './screens/Customers';
import { Loyalty } from './screens/admin/Loyalty';
import { NewOrder } from './screens/NewOrder';
import { OrderDetail } from './screens/order/OrderDetail';
import { OrderList } from './screens/OrderList';
import { Payments } from './screens/Payments';
import { Production } from './screens/Production';
import { Stock } from './screens/Stock';
import { PurchaseOrders } from './screens/purchasing/PurchaseOrders';
import { Receiving } from './screens/purchasing/Receiving';
import { ReorderRules } from './screens/purchasing/ReorderRules';
import { Suppliers } from './screens/purchasing/Suppliers';
import { Invoices } from './screens/invoices/Invoices';
import { FieldOrders } from './screens/field/FieldOrders';
import { Trips } from './screens/field/Trips';
import { PriceLists } from './screens/field/PriceLists';
import { MyTrips } from './screens/road/MyTrips';
import { Badges } from './screens/road/Badges';
import { Portal } from './screens/portal/Portal';
import { Dashboard } from './screens/dashboard/Dashboard';

/** The scan box of the screen open, if it has one (a new order, goods in, a price list…). */
const scanBoxShown = () =>
  [...document.querySelectorAll<HTMLElement>('main [data-scan]')].find(
    (el) => el.offsetParent !== null,
  );

const typing = (el: Element | null) =>
  el instanceof HTMLInputElement ||
  el instanceof HTMLTextAreaElement ||
  el instanceof HTMLSelectElement;

/** A word of the shell namespace, or the English one when a screen is newer than its words. */
const word = (t: Translate, key: string, english: string): string => {
  const said = t(key);
  return said === key ? english : said;
};
/** A screen's name: some roles call a screen their own way ("My orders" for a shop). */
const screenLabel = (t: Translate, role: Role, s: ScreenEntry) =>
  word(t, `screensAs.${role}.${s.id}`, word(t, `screens.${s.id}`, s.label));
const roleName = (t: Translate, role: Role) => t(`roles.${role}`);

/**
 * Moves focus to the open screen's heading once it has rendered (a screen reader then says where
 * the person is); a screen that loads first shows its heading a moment later, so look a few times.
 * A person who is quicker than the screen (a "/" to its search box, a scan typed into the box the
 * screen focused by itself) keeps the focus: once they press a key or move the focus, the heading
 * no longer takes it.
 */
function focusHeading(): () => void {
  let tries = 0;
  let timer = 0;
  let acted = false;
  const act = () => {
    acted = true;
  };
  const stop = () => {
    window.clearTimeout(timer);
    document.removeEventListener('keydown', act, true);
    document.removeEventListener('focusin', act, true);
  };
  document.addEventListener('keydown', act, true);
  document.addEventListener('focusin', act, true);
  const look = () => {
    if (acted) return stop();
    const h1 = [...document.querySelectorAll<HTMLElement>('main h1')].find(
      (h) => h.offsetParent !== null,
    );
    if (h1) {
      stop();
      h1.tabIndex = -1;
      h1.focus();
    } else if (tries++ < 40) timer = window.setTimeout(look, 50);
    else stop();
  };
  timer = window.setTimeout(look, 0);
  return stop;
}

/** The skip link moves focus into the work area (a hash link alone would only scroll there). */
function skipToWork(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById('work')?.focus();
}

function screen(id: ScreenId, shopSide: boolean, t: Translate): ReactNode {
  switch (id) {
    case 'dashboard':
      return <Dashboard />;
    case 'newOrder':
      return <NewOrder />;
    case 'orders':
      return shopSide ? (
        <OrderList title={t('orders.mine')} intro={t('orders.mineIntro')} showShop={false} />
      ) : (
        <OrderList title={t('orders.all')} intro={t('orders.allIntro')} />
      );
    case 'queue':
      return (
        <OrderList
          title={t('orders.queue')}
          intro={t('orders.queueIntro')}
          initialStatus="payment_verified"
        />
      );
    case 'payments':
      return <Payments />;
    case 'counterSale':
      return <CounterSale />;
    case 'sales':
      return <SalesList />;
    case 'returns':
      return <Returns />;
    case 'dayClose':
      return <DayClose />;
    case 'customers':
      return <Customers />;
    case 'loyalty':
      return <Loyalty />;
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
    case 'import':
      return <Import />;
    case 'sync':
      return <SyncDevices />;
    case 'conflicts':
      return <Conflicts />;
    case 'telegram':
      return <Telegram />;
    case 'ai':
      return <AiSettings />;
    case 'backups':
      return <Backups />;
    case 'company':
      return <CompanySettings />;
    case 'purchases':
      return <PurchaseOrders />;
    case 'suppliers':
      return <Suppliers />;
    case 'reorderRules':
      return <ReorderRules />;
    case 'receiving':
      return <Receiving />;
    case 'invoices':
      return <Invoices />;
    case 'fieldOrders':
      return <FieldOrders />;
    case 'trips':
      return <Trips />;
    case 'priceLists':
      return <PriceLists />;
    case 'myTrips':
      return <MyTrips />;
    case 'badges':
      return <Badges />;
    case 'portal':
      return <Portal />;
  }
}

export function Shell({ onSignOut }: { onSignOut(): void }) {
  const user = useUser();
  const client = useClient();
  const t = useT('shell');
  const entries = screensFor[user.role].filter((e) => !e.needs || can(user, e.needs));
  const [route, setRoute] = useState<Route>({ screen: entries[0]?.id ?? 'orders' });
  const [drafts] = useState<Drafts>(() => ({ newOrder: [], counterSale: [] }));
  const [refresh, setRefresh] = useState(0);
  const [mount, setMount] = useState(0);
  const [telegramLink, setTelegramLink] = useState<LinkTelegramOutcome | null>(null);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const branchName = branches.data?.find((b) => b.id === user.branchId)?.name ?? '';
  const listScreen = route.screen === 'order' ? route.back : route.screen;
  // Where focus was when an order opened from a list, to return there on Back.
  const returnFocus = useRef<HTMLElement | null>(null);
  const backed = useRef(false);
  // Right after sign-in focus stays at the top of the page, so Tab reaches the skip link first.
  const signedInNow = useRef(true);

  const nav: Nav = useMemo(
    () => ({
      route,
      refresh,
      go: (screen, scan) => {
        setRoute(scan === undefined ? { screen } : { screen, scan });
        setMount((m) => m + 1);
      },
      openOrder: (orderId) => {
        returnFocus.current =
          document.activeElement instanceof HTMLElement ? document.activeElement : null;
        setRoute({ screen: 'order', orderId, back: listScreen });
      },
      back: () => {
        backed.current = true;
        setRoute({ screen: listScreen });
        setRefresh((r) => r + 1);
      },
    }),
    [route, refresh, listScreen],
  );

  // A screen that opens takes focus to its heading; Back returns focus to where it was.
  const orderId = route.screen === 'order' ? route.orderId : null;
  useEffect(() => {
    if (signedInNow.current) {
      signedInNow.current = false;
      return;
    }
    if (backed.current) {
      backed.current = false;
      const el = returnFocus.current;
      returnFocus.current = null;
      if (el?.isConnected && el.offsetParent !== null) {
        el.focus();
        return;
      }
    }
    return focusHeading();
  }, [listScreen, mount, orderId]);

  // A scan where nothing takes it (a dashboard, a list, a button in focus) is not lost: it opens
  // the counter with the item on the sale, or, for those who do not sell, the item's stock.
  const [scans] = useState(() => scanListener<null>());
  const scanTarget =
    entries.find((e) => e.id === 'counterSale') ?? entries.find((e) => e.id === 'stock');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const free =
        !e.altKey &&
        !e.ctrlKey &&
        !e.metaKey &&
        !typing(document.activeElement) &&
        !document.querySelector('dialog[open], [role="dialog"], [role="alertdialog"]');
      // The counter has its own ways with scans, in its payment step too.
      if (free && route.screen !== 'counterSale') {
        const box = scanBoxShown();
        // A screen with a scan box of its own takes the scan there, wherever the focus was: a
        // digit moves the focus there while it is handled, so it types there.
        if (box) {
          if (/^[0-9]$/.test(e.key)) box.focus();
        } else if (scanTarget) {
          const scan = scans.press(e.key, e.timeStamp, null);
          if (scan) {
            // The scan's Enter must not press the button that has the focus.
            e.preventDefault();
            nav.go(scanTarget.id, scan.code);
            return;
          }
        }
      }
      if (
        e.altKey &&
        !e.ctrlKey &&
        !e.metaKey &&
        (e.code.startsWith('Key') || e.code.startsWith('Digit'))
      ) {
        const hit = entries.find((s) => `Key${s.key}` === e.code || `Digit${s.key}` === e.code);
        if (hit) {
          e.preventDefault();
          nav.go(hit.id);
        }
        return;
      }
      // "/" in the search box the screen focused by itself, still empty, is the key, not text.
      const active = document.activeElement;
      if (
        e.key === '/' &&
        active instanceof HTMLInputElement &&
        active.matches('main [data-search]') &&
        active.value === ''
      ) {
        e.preventDefault();
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
  }, [entries, nav, route, scans, scanTarget]);

  return (
    <NavContext.Provider value={nav}>
      <DraftsContext.Provider value={drafts}>
        <a className="skip-link" href="#work" onClick={skipToWork}>
          {t('skip')}
        </a>
        <div className="shell">
          <aside className="sidebar">
            <div className="brand">{t('brand')}</div>
            <nav aria-label={t('screensNav')}>
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
                      <span>{screenLabel(t, user.role, s)}</span>
                      <kbd>Alt+{s.key}</kbd>
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="keys muted">
              <div>
                <kbd>/</kbd> {t('keys.search')}
              </div>
              <div>
                <kbd>Enter</kbd> {t('keys.submit')}
              </div>
              <div>
                <kbd>Esc</kbd> {t('keys.back')}
              </div>
            </div>
          </aside>
          <div className="main">
            <header className="topbar">
              <SyncIndicator />
              <span className="grow" />
              <span className="who">
                <strong>{user.displayName}</strong> · {roleName(t, user.role)}
                {branchName && ` · ${branchName}`}
              </span>
              <LinkTelegramButton onResult={setTelegramLink} />
              <LanguageChooser userId={user.userId} compact />
              <ChangePassword />
              <button type="button" className="btn small" onClick={onSignOut}>
                {t('signOut')}
              </button>
            </header>
            <main className="content" id="work" tabIndex={-1}>
              {telegramLink && (
                <LinkTelegramResult result={telegramLink} onClose={() => setTelegramLink(null)} />
              )}
              {entries.length === 0 && (
                <Notice kind="info">{t('noScreens', { role: roleName(t, user.role) })}</Notice>
              )}
              {route.screen === 'order' && (
                <OrderDetail key={route.orderId} orderId={route.orderId} onBack={nav.back} />
              )}
              {/* The list stays mounted under an open order, so its filter and page survive. */}
              <div hidden={route.screen === 'order'} key={`${listScreen}-${mount}`}>
                {entries.some((s) => s.id === listScreen) &&
                  screen(listScreen, user.role === 'shop_clerk' || user.role === 'sales_rep', t)}
              </div>
            </main>
          </div>
        </div>
      </DraftsContext.Provider>
    </NavContext.Provider>
  );
}
