/** Where the Telegram parts write their JSON log lines. */
export type Log = (entry: Record<string, unknown>) => void;
