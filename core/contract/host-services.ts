// Every service a host offers the core beyond its database, by name. Types only, from files
// that do not import the contract, so the contract's context names them without an import
// cycle (scripts/import-cycles.ts, run by `npm run lint`, keeps it so).
import type { AiService } from '../ai/service';
import type { BackupService } from '../backup/service';
import type { InvoiceReadingService } from '../invoices/service';
import type { UpdateFeedService } from '../ops/update-feed';
import type { PortalService } from '../portal/service';
import type { HeadOfficeService, SyncService } from '../sync/services';
import type { TelegramService } from '../telegram/service';

export interface HostServices {
  sync?: SyncService;
  headOffice?: HeadOfficeService;
  /** Head office's Telegram bot (sync server only). */
  telegram?: TelegramService;
  /** Backups of this host's databases (the desktop app's branch database; head office's store). */
  backup?: BackupService;
  /** Head office's feed of app updates (sync server only). */
  updates?: UpdateFeedService;
  /** Head office's AI model, through an OpenAI-compatible server (sync server only). */
  ai?: AiService;
  /** Head office's reading of supplier invoices: text layers, OCR, the model (sync server only). */
  invoices?: InvoiceReadingService;
  /** Whether head office serves the customer portal (sync server only; decision 0034). */
  portal?: PortalService;
}
