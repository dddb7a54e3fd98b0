// Admin: customer loyalty and the counter's rules, set at head office and synced to every shop.
// At a shop PC these steps answer HEAD_OFFICE_ONLY, which each section shows in its own words.
import { useT } from '../../i18n';
import { Adjust, Duplicates, Overdrawn } from './loyalty/Customers';
import { CounterRules } from './loyalty/CounterRules';
import { ProgramForm } from './loyalty/ProgramForm';

export function Loyalty() {
  const t = useT('loyalty');
  return (
    <div className="screen loyalty">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      <ProgramForm />
      <Duplicates />
      <Overdrawn />
      <Adjust />
      <CounterRules />
    </div>
  );
}
